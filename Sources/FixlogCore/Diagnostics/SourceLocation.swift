/// A position in a text file: 1-based line, 1-based column counted in UTF-8 bytes.
public struct SourceLocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A half-open range of source text: `start` is the first byte, `end` the position just past the last byte.
///
/// An empty range (`start == end`) marks a point, e.g. the end of a file.
public struct SourceRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var start: SourceLocation
    public var end: SourceLocation

    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }

    public init(line: Int, column: Int = 1) {
        self.start = SourceLocation(line: line, column: column)
        self.end = self.start
    }

    public var description: String { "\(start)-\(end)" }

    /// The smallest range that covers both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: Swift.min(start, other.start), end: Swift.max(end, other.end))
    }

    public func contains(_ location: SourceLocation) -> Bool {
        start <= location && location < end
    }
}

/// A closed range of whole lines, as fix logs and Dockerfiles talk about them ("lines 1-25").
public struct LineSpan: Sendable, Hashable, Codable, CustomStringConvertible {
    public var first: Int
    public var last: Int

    public init(first: Int, last: Int) {
        self.first = first
        self.last = last
    }

    public init(line: Int) {
        self.init(first: line, last: line)
    }

    public var count: Int { last - first + 1 }
    public var isSingleLine: Bool { first == last }

    public func contains(_ line: Int) -> Bool { first <= line && line <= last }
    public func contains(_ other: LineSpan) -> Bool { first <= other.first && other.last <= last }

    public func union(_ other: LineSpan) -> LineSpan {
        LineSpan(first: Swift.min(first, other.first), last: Swift.max(last, other.last))
    }

    public var description: String { isSingleLine ? "\(first)" : "\(first)-\(last)" }
}
