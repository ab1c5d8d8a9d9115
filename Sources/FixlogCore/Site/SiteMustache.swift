// A compiled, byte-oriented renderer for the site's Mustache templates. It gives the same bytes as
// swift-mustache (whose parser it follows token for token: standalone lines, comments, sections, inverted
// sections, partials, `{{.}}`) for the templates it accepts, and renders typed view models into one byte
// buffer instead of walking `Any` values and concatenating strings. A template set using anything else
// (set delimiters, transforms, dotted names, inheritance, dynamic or indented partials, pragmas, unusual
// line separators) is not compiled: the site then renders through swift-mustache, as before.

/// A value a template can look up.
enum SiteValue {
    case text(String)
    case number(Int)
    case flag(Bool)
    case object(any SiteRenderable)
    case list([SiteValue])
}

/// A view model whose fields templates read by name (nil: no such field here, or the field is nil).
protocol SiteRenderable {
    func siteValue(_ key: String) -> SiteValue?
}

extension Array where Element: SiteRenderable {
    var siteList: SiteValue { .list(map { .object($0) }) }
}

/// A template set compiled for ``SiteMustache/render(_:template:)``.
struct SiteMustache: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        /// A name is its dot-separated parts; no parts is `.`, the current value.
        case variable([String], escaped: Bool)
        case section([String], [Node])
        case inverted([String], [Node])
        case partial(String)
    }

    /// The template does not only use what this renderer supports.
    struct Unsupported: Error {}

    private var templates: [String: [Node]]

    /// How deeply partials may include partials.
    static let maximumPartialDepth = 64

    /// Compiles every template; nil when one of them uses something this renderer does not support.
    init?(_ sources: [String: String]) {
        var compiled: [String: [Node]] = [:]
        for (name, text) in sources {
            guard let nodes = try? Self.compile(text) else { return nil }
            compiled[name] = nodes
        }
        templates = compiled
    }

    /// Renders `value` through the template named `template`; nil when there is no such template.
    func render(_ value: any SiteRenderable, template: String) -> [UInt8]? {
        guard let nodes = templates[template] else { return nil }
        var renderer = Renderer(templates: templates)
        renderer.out.reserveCapacity(16_384)
        renderer.stack.append(.object(value))
        renderer.render(nodes)
        return renderer.out
    }

    // MARK: rendering

    private struct Renderer {
        let templates: [String: [Node]]
        var out: [UInt8] = []
        var stack: [SiteValue] = []
        /// Partials being expanded; a partial that includes itself stops expanding at ``maximumPartialDepth``
        /// (swift-mustache would recurse until the stack overflows).
        var partialDepth = 0

        /// swift-mustache's lookup: the first part in the innermost value that has it, the rest inside that.
        func lookup(_ path: [String]) -> SiteValue? {
            guard let first = path.first else { return stack.last }
            var found: SiteValue?
            for value in stack.reversed() {
                if case .object(let object) = value, let child = object.siteValue(first) { found = child; break }
            }
            guard var current = found else { return nil }
            for key in path.dropFirst() {
                guard case .object(let object) = current, let child = object.siteValue(key) else { return nil }
                current = child
            }
            return current
        }

        mutating func render(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .text(let bytes):
                    out.append(contentsOf: bytes)
                case .variable(let name, let escaped):
                    guard let value = lookup(name) else { continue }
                    write(value, escaped: escaped)
                case .section(let name, let body):
                    switch lookup(name) {
                    case .list(let items)?:
                        for item in items {
                            stack.append(item)
                            render(body)
                            stack.removeLast()
                        }
                    case .flag(let on)?:
                        if on { render(body) }
                    case let value?:
                        stack.append(value)
                        render(body)
                        stack.removeLast()
                    case nil:
                        break
                    }
                case .inverted(let name, let body):
                    switch lookup(name) {
                    case .list(let items)?:
                        if items.isEmpty {
                            stack.append(.list(items))
                            render(body)
                            stack.removeLast()
                        }
                    case .flag(let on)?:
                        if !on { render(body) }
                    case .some:
                        break
                    case nil:
                        render(body)
                    }
                case .partial(let name):
                    if let partial = templates[name], partialDepth < SiteMustache.maximumPartialDepth {
                        partialDepth += 1
                        render(partial)
                        partialDepth -= 1
                    }
                }
            }
        }

        mutating func write(_ value: SiteValue, escaped: Bool) {
            switch value {
            case .text(let s): append(s, escaped: escaped)
            case .number(let n): append(String(n), escaped: false)
            case .flag(let b): append(b ? "true" : "false", escaped: false)
            case .object(let o): append(String(describing: o), escaped: escaped)
            case .list(let items): append(String(describing: items.map(Self.describe)), escaped: escaped)
            }
        }

        static func describe(_ value: SiteValue) -> Any {
            switch value {
            case .text(let s): s
            case .number(let n): n
            case .flag(let b): b
            case .object(let o): o
            case .list(let items): items.map(describe)
            }
        }

        mutating func append(_ s: String, escaped: Bool) {
            var s = s
            s.withUTF8 { bytes in
                guard escaped else { out.append(contentsOf: bytes); return }
                var start = 0
                for i in 0..<bytes.count {
                    let replacement: StaticString
                    switch bytes[i] {
                    case UInt8(ascii: "<"): replacement = "&lt;"
                    case UInt8(ascii: ">"): replacement = "&gt;"
                    case UInt8(ascii: "&"): replacement = "&amp;"
                    case UInt8(ascii: "\""): replacement = "&quot;"
                    case UInt8(ascii: "'"): replacement = "&#39;"
                    default: continue
                    }
                    if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i])) }
                    replacement.withUTF8Buffer { out.append(contentsOf: $0) }
                    start = i + 1
                }
                if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
            }
        }
    }

    // MARK: parsing (follows swift-mustache's MustacheTemplate.parse)

    static func compile(_ text: String) throws(Unsupported) -> [Node] {
        // Characters where an ASCII character and what follows form one grapheme (other than CR LF) would be
        // read differently by swift-mustache's Character-based parser; so would line separators other
        // than LF and CR LF.
        for ch in text where ch.unicodeScalars.count > 1 && ch != "\r\n" {
            if let first = ch.unicodeScalars.first, first.isASCII { throw Unsupported() }
        }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0B, 0x0C, 0x85, 0x2028, 0x2029: throw Unsupported()
            default: break
            }
        }
        var bytes = Array(text.utf8)
        // A lone CR is a line separator too.
        for (i, b) in bytes.enumerated() where b == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A) { throw Unsupported() }
        bytes.append(0)  // sentinel: swift-mustache reads "\0" past the end
        var parser = Parser(bytes: bytes, end: bytes.count - 1)
        return try parser.parse(sectionName: nil, newLine: true)
    }

    private struct Parser {
        let bytes: [UInt8]
        let end: Int
        var i = 0

        var atEnd: Bool { i >= end }
        var current: UInt8 { i < end ? bytes[i] : 0 }

        /// Length of the line break at `k` (LF or CR LF), 0 when there is none.
        func newline(at k: Int) -> Int {
            guard k < end else { return 0 }
            if bytes[k] == 0x0A { return 1 }
            if bytes[k] == 0x0D, k + 1 < end, bytes[k + 1] == 0x0A { return 2 }
            return 0
        }

        static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

        static func isNameByte(_ b: UInt8) -> Bool {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "?"), UInt8(ascii: "*"):
                true
            default: false
            }
        }

        mutating func skipWhitespace() { while i < end, Self.isWhitespace(bytes[i]) { i += 1 } }

        /// A variable or section name split at dots (`.` alone: no parts). Transforms and names starting
        /// with a dot are not supported.
        mutating func path() throws(Unsupported) -> [String] {
            let name = try name()
            if name == "." { return [] }
            let parts = name.split(separator: ".").map(String.init)
            guard !name.hasPrefix("."), !parts.isEmpty else { throw Unsupported() }
            return parts
        }

        /// `name }}` after the opening delimiter and sigil.
        mutating func name(partial: Bool = false) throws(Unsupported) -> String {
            skipWhitespace()
            let start = i
            while i < end, Self.isNameByte(bytes[i]) || (partial && bytes[i] == UInt8(ascii: "/")) { i += 1 }
            let name = String(decoding: bytes[start..<i], as: UTF8.self)
            skipWhitespace()
            guard i + 1 < end, bytes[i] == UInt8(ascii: "}"), bytes[i + 1] == UInt8(ascii: "}") else { throw Unsupported() }
            i += 2
            guard partial || !name.isEmpty else { throw Unsupported() }
            return name
        }

        /// swift-mustache's `isStandalone`: on a new line, and only blanks up to the end of the line (consumed).
        mutating func standalone(_ newLine: Bool) -> Bool {
            guard newLine else { return false }
            if atEnd { return true }
            var k = i
            while k < end, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 }
            let n = newline(at: k)
            guard n > 0 else { return false }
            i = k + n
            return true
        }

        mutating func parse(sectionName: [String]?, newLine initialNewLine: Bool) throws(Unsupported) -> [Node] {
            var tokens: [Node] = []
            var newLine = initialNewLine
            var whiteSpace: [UInt8] = []
            func emit(_ b: [UInt8]) { if !b.isEmpty { tokens.append(.text(b)) } }
            while !atEnd {
                if newLine {
                    let start = i
                    while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
                    whiteSpace = Array(bytes[start..<i])
                }
                // Text up to a line break or the opening delimiter.
                let start = i
                var foundTag = false
                while i < end {
                    if newline(at: i) > 0 { break }
                    if bytes[i] == UInt8(ascii: "{") {
                        if i + 1 < end, bytes[i + 1] == UInt8(ascii: "{") { foundTag = true; break }
                        if i + 1 >= end { throw Unsupported() }  // swift-mustache fails on a final "{"
                    }
                    i += 1
                }
                let text = Array(bytes[start..<i])
                // swift-mustache looks for the line break after consuming the delimiter: `{{` right before a
                // line break is dropped.
                if foundTag { i += 2 }
                let n = newline(at: i)
                if n > 0 {
                    emit(whiteSpace + text + Array(bytes[i..<(i + n)]))
                    newLine = true
                    i += n
                    continue
                }
                if !text.isEmpty {
                    emit(whiteSpace + text)
                    whiteSpace = []
                    newLine = false
                }
                if atEnd { break }
                var setNewLine = false
                switch current {
                case UInt8(ascii: "#"), UInt8(ascii: "^"):
                    let inverted = current == UInt8(ascii: "^")
                    i += 1
                    let name = try path()
                    if standalone(newLine) {
                        setNewLine = true
                    } else if !whiteSpace.isEmpty {
                        emit(whiteSpace)
                        whiteSpace = []
                    }
                    let body = try parse(sectionName: name, newLine: setNewLine)
                    tokens.append(inverted ? .inverted(name, body) : .section(name, body))
                case UInt8(ascii: "/"):
                    i += 1
                    let name = try path()
                    guard name == sectionName else { throw Unsupported() }
                    if !standalone(newLine), !whiteSpace.isEmpty {
                        emit(whiteSpace)
                    }
                    return tokens
                case UInt8(ascii: "!"):
                    i += 1
                    while i + 1 < end, !(bytes[i] == UInt8(ascii: "}") && bytes[i + 1] == UInt8(ascii: "}")) { i += 1 }
                    guard i + 1 < end else { throw Unsupported() }
                    i += 2
                    setNewLine = standalone(newLine)
                case UInt8(ascii: "{"), UInt8(ascii: "&"):
                    let triple = current == UInt8(ascii: "{")
                    emit(whiteSpace)
                    whiteSpace = []
                    i += 1
                    let name = try path()
                    if triple {
                        guard i < end, bytes[i] == UInt8(ascii: "}") else { throw Unsupported() }
                        i += 1
                    }
                    tokens.append(.variable(name, escaped: false))
                case UInt8(ascii: ">"):
                    i += 1
                    skipWhitespace()
                    guard current != UInt8(ascii: "*") else { throw Unsupported() }
                    let name = try name(partial: true)
                    emit(whiteSpace)
                    // An indented standalone partial indents every line it renders: not supported here.
                    if standalone(newLine) {
                        guard whiteSpace.isEmpty else { throw Unsupported() }
                        setNewLine = true
                    }
                    tokens.append(.partial(name))
                    whiteSpace = []
                case UInt8(ascii: "<"), UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "%"):
                    throw Unsupported()
                default:
                    emit(whiteSpace)
                    whiteSpace = []
                    let name = try path()
                    tokens.append(.variable(name, escaped: true))
                }
                newLine = setNewLine
            }
            guard sectionName == nil else { throw Unsupported() }
            return tokens
        }
    }
}
