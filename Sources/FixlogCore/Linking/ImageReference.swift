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
        if let fast = normaliseASCII(ref) { return fast }
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

    /// ``normalise(_:)`` of a trimmed ASCII reference without `$`, from its bytes (nil for any other text):
    /// for ASCII, lower-casing and comparing characters is lower-casing and comparing bytes.
    static func normaliseASCII(_ ref: String) -> String? {
        ref.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            func hasPrefix(_ prefix: StaticString, at offset: Int) -> Bool {
                let n = prefix.utf8CodeUnitCount
                guard bytes.count - offset >= n else { return false }
                let p = prefix.utf8Start
                for k in 0..<n where lowered(bytes[offset + k]) != p[k] { return false }
                return true
            }
            if bytes.count == 7, hasPrefix("scratch", at: 0) { return ref }
            var start = 0
            for prefix: StaticString in ["docker.io/", "index.docker.io/", "registry-1.docker.io/", "registry.hub.docker.com/"]
            where hasPrefix(prefix, at: 0) {
                start = prefix.utf8CodeUnitCount
                // `library/` as written (case matters here).
                let library: [UInt8] = Array("library/".utf8)
                if bytes.count - start >= library.count, library.indices.allSatisfy({ bytes[start + $0] == library[$0] }) {
                    start += library.count
                }
                break
            }
            let rest = UnsafeBufferPointer(rebasing: bytes[start...])
            var out = String(decoding: rest, as: UTF8.self)
            // A `:` after the last `/`, or an `@`: a tag or digest.
            let lastSlash = rest.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
            if !rest.contains(UInt8(ascii: "@")), !rest[lastSlash...].contains(UInt8(ascii: ":")) { out += ":latest" }
            return out
        } ?? nil
    }

    @inline(__always)
    static func lowered(_ b: UInt8) -> UInt8 { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b }

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
        // From the bytes, without building the trimmed text: every character the test accepts is one ASCII byte,
        // so a text that passes the byte test is ASCII and its characters are its bytes.
        if let answer = text.utf8.withContiguousStorageIfAvailable({ looksLikeImage(bytes: $0, loose: loose) }) {
            return answer
        }
        return looksLikeImage(bytes: Array(text.utf8), loose: loose)
    }

    static func looksLikeImage(bytes: some RandomAccessCollection<UInt8>, loose: Bool) -> Bool {
        guard var lo = bytes.firstIndex(where: { !String.isSpace($0) }) else { return false }
        var hi = bytes.endIndex
        while hi > lo, String.isSpace(bytes[bytes.index(before: hi)]) { hi = bytes.index(before: hi) }
        let t = bytes[lo..<hi]
        // One token of image characters (spaces and tabs are not among them).
        guard t.allSatisfy({ Self.isImageByte($0) }) else { return false }
        let first = t[lo]
        guard isASCIILetterOrDigit(first) || first == UInt8(ascii: "$") else { return false }
        if t.allSatisfy(isASCIILetter),
           InstructionNormalizer.knownKeywords.contains(String(decoding: t, as: UTF8.self).lowercased()) { return false }
        if loose { return true }
        // Without a hint that an image is meant, ask for a tag or digest, and not a bare port (`localhost:8000`).
        if t.contains(UInt8(ascii: "@")) { return true }
        guard let colon = t.lastIndex(of: UInt8(ascii: ":")) else { return false }
        lo = t.index(after: colon)
        let tag = t[lo...]
        return !tag.isEmpty && !tag.contains(UInt8(ascii: "/"))
            && !tag.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    @inline(__always)
    static func isASCIILetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }

    @inline(__always)
    static func isASCIILetterOrDigit(_ b: UInt8) -> Bool {
        isASCIILetter(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
}
