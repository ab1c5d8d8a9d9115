import Foundation

/// Small HTML and URL helpers for the site.
public enum SiteHTML {
    /// Escapes text for HTML element content and quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A file-name-safe slug: letters, digits, `.`, `_` and `-`; a path separator becomes `--`.
    public static func slug(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            if scalar == "/" { out += "--" }
            else if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_" || scalar == "-" {
                out.unicodeScalars.append(scalar)
            } else { out += "-" }
        }
        while out.hasPrefix(".") { out.removeFirst() }
        return out
    }

    /// Whether a URL is safe to put in an `href`: relative, a fragment, or http(s)/mailto.
    public static func isSafeURL(_ url: String) -> Bool {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters)).lowercased()
        guard let colon = trimmed.firstIndex(of: ":") else { return true }
        let scheme = trimmed[..<colon]
        if scheme.contains("/") || scheme.contains("?") || scheme.contains("#") { return true }
        return ["http", "https", "mailto"].contains(String(scheme))
    }

    /// A base URL for `<link rel="canonical">`: must be an absolute http(s) URL; ends with `/`.
    public static func normalisedBaseURL(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false else { return nil }
        return url.hasSuffix("/") ? url : url + "/"
    }

    /// The physical lines of a text (no line terminators; a final newline does not add an empty line).
    static func lines(_ text: String) -> [String] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if text.hasSuffix("\n") { parts.removeLast() }
        return parts
    }
}
