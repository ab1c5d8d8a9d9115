/// A piece of a parsed Dockerfile's text: a range in one of the two byte regions of a ``DockerfileText`` (the
/// file, the bytes the parser had to make itself: joined continuation lines, unquoted flags, decoded JSON
/// strings, …), addressed as one index space so a span needs no tag.
///
/// Eight bytes (a parsed file holds a few per instruction): the file is at most ``maximumSource`` bytes, so the
/// parser-made bytes (the joined lines, never more than the file, and at most three per byte of the file) fit.
struct TextSpan: Sendable, Hashable {
    private var lo: UInt32
    private var hi: UInt32

    @inline(__always) init(start: Int, end: Int) {
        lo = UInt32(truncatingIfNeeded: start)
        hi = UInt32(truncatingIfNeeded: end)
    }

    @inline(__always) var start: Int { Int(lo) }
    @inline(__always) var end: Int { Int(hi) }

    /// Where the region of bytes made by the parser starts in the index space (the file's bytes start at 0).
    static let freshBase = 1 << 31
    /// The largest file the spans can address (four times `SourceText.maximumSize`).
    static let maximumSource = 1 << 28

    var isEmpty: Bool { end <= start }
}

/// The text behind the instructions of one parsed file, shared by all of them (one reference per
/// instruction instead of a String or array per field): the file's bytes as read, the bytes the parser had to
/// make (logical lines that continuation lines made, unquoted flags, decoded JSON strings, heredoc names), the
/// spans of every text field, and the heredoc records.
///
/// Immutable once built; instructions turn spans into Strings when a field is read.
final class DockerfileText: Sendable {
    let source: [UInt8]
    let fresh: [UInt8]
    let spans: [TextSpan]
    let heredocs: [HeredocRecord]
    /// True when every byte of every region is well-formed UTF-8 (Strings are then made without Go's decoding).
    let isValidUTF8: Bool

    /// Stands in while a file is parsed (its instructions are made before the file's text is complete).
    static let placeholder = DockerfileText(source: [], fresh: [], spans: [], heredocs: [],
                                            isValidUTF8: true)

    init(source: [UInt8], fresh: [UInt8], spans: [TextSpan], heredocs: [HeredocRecord],
         isValidUTF8: Bool) {
        self.source = source
        self.fresh = fresh
        self.spans = spans
        self.heredocs = heredocs
        self.isValidUTF8 = isValidUTF8
    }

    /// Calls `body` with the bytes of a span (empty for a span out of range, which the parser never makes).
    @inline(__always)
    func withBytes<R>(_ span: TextSpan, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let region: [UInt8]
        let base: Int
        if span.start >= TextSpan.freshBase {
            region = fresh
            base = TextSpan.freshBase
        } else {
            region = source
            base = 0
        }
        let lo = span.start - base, hi = span.end - base
        return region.withUnsafeBufferPointer { buffer in
            guard lo >= 0, lo <= hi, hi <= buffer.count else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
            return body(UnsafeBufferPointer(rebasing: buffer[lo..<hi]))
        }
    }

    /// The span as a String, decoded as Go converts bytes to runes (one U+FFFD per invalid byte).
    func string(_ span: TextSpan) -> String {
        withBytes(span) { buffer in
            isValidUTF8 ? String(decoding: buffer, as: UTF8.self) : GoText.string(buffer: buffer)
        }
    }

    /// The span's exact bytes.
    func bytes(_ span: TextSpan) -> [UInt8] { withBytes(span) { Array($0) } }

    /// The span at `index` of ``spans`` as a String.
    @inline(__always)
    func string(at index: Int) -> String { string(spans[index]) }

    /// Strings of `count` spans from `first`.
    func strings(from first: Int, count: Int) -> [String] {
        guard count > 0 else { return [] }
        var out: [String] = []
        out.reserveCapacity(count)
        for i in first..<(first + count) { out.append(string(spans[i])) }
        return out
    }
}

/// A heredoc as the parser records it (spans into the shared text).
struct HeredocRecord: Sendable {
    var name: TextSpan
    var content: TextSpan
    var fileDescriptor: Int
    var expand: Bool
    var chomp: Bool
}

/// Where an instruction's text fields are in a ``DockerfileText``: its spans are consecutive, the
/// original line first, then the comments, the flags, the argument nodes.
struct ParsedFields: Sendable, Hashable {
    var first: Int
    var heredocFirst: Int
    // Counts within one instruction, kept small (an instruction is copied whole).
    private var comments: Int32
    private var flags: Int32
    private var arguments: Int32
    private var heredocsCount: Int32

    init(first: Int, commentCount: Int, flagCount: Int, argumentCount: Int, heredocFirst: Int, heredocCount: Int) {
        self.first = first
        self.heredocFirst = heredocFirst
        self.comments = Int32(truncatingIfNeeded: commentCount)
        self.flags = Int32(truncatingIfNeeded: flagCount)
        self.arguments = Int32(truncatingIfNeeded: argumentCount)
        self.heredocsCount = Int32(truncatingIfNeeded: heredocCount)
    }

    var commentCount: Int { Int(comments) }
    var flagCount: Int { Int(flags) }
    var argumentCount: Int { Int(arguments) }
    var heredocCount: Int {
        get { Int(heredocsCount) }
        set { heredocsCount = Int32(truncatingIfNeeded: newValue) }
    }

    var commentsFirst: Int { first + 1 }
    var flagsFirst: Int { first + 1 + commentCount }
    var argumentsFirst: Int { first + 1 + commentCount + flagCount }
}

/// The text fields of an instruction made with the public initialiser or changed after parsing.
final class ExplicitFields: Sendable {
    let original: String
    let flags: [String]
    let arguments: [String]
    let previousComments: [String]
    let heredocs: [Heredoc]
    /// The arguments' exact bytes when they are not simply the UTF-8 of ``arguments``.
    let rawArgumentBytes: [[UInt8]]?

    init(original: String, flags: [String], arguments: [String], previousComments: [String], heredocs: [Heredoc],
         rawArgumentBytes: [[UInt8]]?) {
        self.original = original
        self.flags = flags
        self.arguments = arguments
        self.previousComments = previousComments
        self.heredocs = heredocs
        self.rawArgumentBytes = rawArgumentBytes
    }
}

/// An instruction's text fields: spans into its file's shared text (parsed), or Swift values (made or changed
/// by a caller). Both are immutable; a change replaces the whole value.
enum InstructionFields: Sendable {
    case parsed(DockerfileText, ParsedFields)
    case explicit(ExplicitFields)

    var original: String {
        switch self {
        case .parsed(let text, let f): return text.string(at: f.first)
        case .explicit(let e): return e.original
        }
    }

    var flags: [String] {
        switch self {
        case .parsed(let text, let f): return text.strings(from: f.flagsFirst, count: f.flagCount)
        case .explicit(let e): return e.flags
        }
    }

    var arguments: [String] {
        switch self {
        case .parsed(let text, let f): return text.strings(from: f.argumentsFirst, count: f.argumentCount)
        case .explicit(let e): return e.arguments
        }
    }

    var previousComments: [String] {
        switch self {
        case .parsed(let text, let f): return text.strings(from: f.commentsFirst, count: f.commentCount)
        case .explicit(let e): return e.previousComments
        }
    }

    var heredocs: [Heredoc] {
        switch self {
        case .parsed(let text, let f):
            guard f.heredocCount > 0 else { return [] }
            return text.heredocs[f.heredocFirst..<(f.heredocFirst + f.heredocCount)].map {
                Heredoc(name: text.string($0.name), fileDescriptor: $0.fileDescriptor, expand: $0.expand,
                        chomp: $0.chomp, content: text.string($0.content))
            }
        case .explicit(let e): return e.heredocs
        }
    }

    /// The exact bytes of the argument nodes when they differ from the UTF-8 of ``arguments`` (nil when
    /// they are the same, the common case).
    var rawArgumentBytes: [[UInt8]]? {
        switch self {
        case .parsed(let text, let f):
            if text.isValidUTF8 || f.argumentCount == 0 { return nil }
            let range = f.argumentsFirst..<(f.argumentsFirst + f.argumentCount)
            let valid = range.allSatisfy { i in text.withBytes(text.spans[i]) { GoText.isValidUTF8($0) } }
            return valid ? nil : range.map { text.bytes(text.spans[$0]) }
        case .explicit(let e): return e.rawArgumentBytes
        }
    }

    /// The exact bytes of the argument nodes.
    var rawArguments: [[UInt8]] {
        switch self {
        case .parsed(let text, let f):
            return (f.argumentsFirst..<(f.argumentsFirst + f.argumentCount)).map { text.bytes(text.spans[$0]) }
        case .explicit(let e): return e.rawArgumentBytes ?? e.arguments.map { Array($0.utf8) }
        }
    }

    /// Every field as Swift values (what a change starts from).
    var explicit: ExplicitFields {
        switch self {
        case .parsed:
            return ExplicitFields(original: original, flags: flags, arguments: arguments,
                                  previousComments: previousComments, heredocs: heredocs,
                                  rawArgumentBytes: rawArgumentBytes)
        case .explicit(let e): return e
        }
    }

    /// Whether both hold the same values (spans of one shared text compare without making Strings).
    func sameValues(as other: InstructionFields) -> Bool {
        if case .parsed(let a, let fa) = self, case .parsed(let b, let fb) = other, a === b, fa == fb { return true }
        return original == other.original && flags == other.flags && arguments == other.arguments
            && previousComments == other.previousComments && heredocs == other.heredocs
            && rawArgumentBytes == other.rawArgumentBytes
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(original)
        hasher.combine(flags)
        hasher.combine(arguments)
        hasher.combine(previousComments)
        hasher.combine(heredocs)
        hasher.combine(rawArgumentBytes)
    }
}
