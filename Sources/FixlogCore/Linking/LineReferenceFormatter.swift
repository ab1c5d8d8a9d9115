/// Writes a line span in the form of an existing reference: `line 21` → `line 25`, `lines 32-33` →
/// `lines 35-36`, `Lines 1–25` → `Lines 3–27`, `L21-L25` → `L30-L34`; singular and plural follow the span.
public enum LineReferenceFormatter {
    public static func format(_ span: LineSpan, likeOriginal original: String) -> String {
        let chars = Array(original)
        guard let d1 = chars.firstIndex(where: \.isASCIIDigit) else {
            return span.isSingleLine ? "line \(span.first)" : "lines \(span.first)-\(span.last)"
        }
        var e1 = d1
        while e1 < chars.count, chars[e1].isASCIIDigit { e1 += 1 }
        var prefix = String(chars[..<d1])
        // A second number: separator, then digits.
        var separator: String? = nil
        var suffixStart = e1
        var j = e1
        while j < chars.count, !chars[j].isASCIIDigit, j - e1 <= 12 { j += 1 }
        if j < chars.count, chars[j].isASCIIDigit {
            let between = String(chars[e1..<j])
            let sepCore = between.trimmedSpaces.lowercased()
            if ["-", "–", "—", "to", "through", "..", "-l", "–l"].contains(sepCore) {
                separator = between
                var e2 = j
                while e2 < chars.count, chars[e2].isASCIIDigit { e2 += 1 }
                suffixStart = e2
            }
        }
        let suffix = String(chars[suffixStart...])
        if span.isSingleLine {
            if separator != nil { prefix = singular(prefix) }
            return prefix + "\(span.first)" + suffix
        }
        if separator == nil {
            prefix = plural(prefix)
            separator = prefix.hasSuffix("L") ? "-L" : "-"
        }
        return prefix + "\(span.first)" + (separator ?? "-") + "\(span.last)" + suffix
    }

    static func singular(_ prefix: String) -> String {
        for (p, s) in [("lines", "line"), ("Lines", "Line"), ("LINES", "LINE")] {
            if let r = prefix.range(of: p, options: .backwards) { return prefix.replacingCharacters(in: r, with: s) }
        }
        return prefix
    }

    static func plural(_ prefix: String) -> String {
        for (s, p) in [("line", "lines"), ("Line", "Lines"), ("LINE", "LINES")] {
            if let r = prefix.range(of: s, options: .backwards), !prefix[r.upperBound...].hasPrefix("s") {
                return prefix.replacingCharacters(in: r, with: p)
            }
        }
        return prefix
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

import Foundation
