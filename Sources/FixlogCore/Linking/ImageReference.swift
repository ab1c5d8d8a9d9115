/// Container image references as `FROM` names them, compared the way a registry resolves them.
///
/// `ubuntu`, `docker.io/ubuntu:latest`, `docker.io/library/ubuntu` and `index.docker.io/library/ubuntu:latest`
/// all name the same image.
public enum ImageReference {
    /// Registry prefixes that mean Docker Hub.
    static let hubPrefixes = ["docker.io/", "index.docker.io/", "registry-1.docker.io/", "registry.hub.docker.com/"]

    /// The canonical form: Docker Hub prefixes and `library/` removed, `:latest` added when the reference
    /// has neither tag nor digest. References containing variables (`$BASE`) and `scratch` are returned as written.
    public static func normalise(_ reference: String) -> String {
        var ref = reference.trimmedSpaces
        // Byte tests rather than Foundation's `contains` (an NSString search per call).
        if ref.isEmpty || ref.utf8.contains(UInt8(ascii: "$")) { return ref }
        let lower = ref.lowercased()
        if lower == "scratch" { return ref }
        for prefix in hubPrefixes where lower.hasPrefix(prefix) {
            ref = String(ref.dropFirst(prefix.count))
            if ref.hasPrefix("library/") { ref = String(ref.dropFirst("library/".count)) }
            break
        }
        if !hasTagOrDigest(ref) { ref += ":latest" }
        return ref
    }

    /// `[A-Za-z0-9._\-/:@${}]`: the characters an image reference (or a variable in one) is made of.
    @inline(__always)
    static func isImageByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: ":"),
             UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "{"), UInt8(ascii: "}"):
            return true
        default:
            return false
        }
    }

    /// True when the reference carries a `:tag` on its last path component or an `@digest`.
    public static func hasTagOrDigest(_ ref: String) -> Bool {
        let utf8 = ref.utf8
        if utf8.contains(UInt8(ascii: "@")) { return true }
        // A `:` after the last `/` (in the last path component).
        let lastComponent = utf8.lastIndex(of: UInt8(ascii: "/")).map { utf8[utf8.index(after: $0)...] } ?? utf8[...]
        return lastComponent.contains(UInt8(ascii: ":"))
    }

    /// Whether a piece of log text looks like an image reference rather than a sentence or an instruction:
    /// one token of registry characters with a tag that is not a bare port, or a digest (any plain name
    /// when `loose`, i.e. when the text says an image is meant).
    public static func looksLikeImage(_ text: String, loose: Bool = false) -> Bool {
        let t = text.trimmedSpaces
        guard !t.isEmpty, !t.utf8.contains(UInt8(ascii: " ")), !t.utf8.contains(UInt8(ascii: "\t")) else { return false }
        // Every allowed character is one ASCII byte, so checking the UTF-8 bytes is the same as checking the
        // characters (a multi-byte or combined character always has a byte outside the set).
        guard t.utf8.allSatisfy({ Self.isImageByte($0) }) else { return false }
        guard let first = t.first, first.isLetter || first.isNumber || first == "$" else { return false }
        if InstructionNormalizer.knownKeywords.contains(t.lowercased()) { return false }
        if loose { return true }
        // Without a hint that an image is meant, ask for a tag or digest, and not a bare port (`localhost:8000`).
        if t.utf8.contains(UInt8(ascii: "@")) { return true }
        guard let colon = t.lastIndex(of: ":") else { return false }
        let tag = t[t.index(after: colon)...]
        return !tag.isEmpty && !tag.utf8.contains(UInt8(ascii: "/")) && !tag.allSatisfy(\.isNumber)
    }
}
