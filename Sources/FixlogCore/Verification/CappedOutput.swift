import Foundation

/// A byte stream captured with a cap: the first `headLimit` bytes and the last `tailLimit` bytes are
/// kept; what lies between is counted and replaced by a cut marker when rendered.
public struct CappedOutput: Sendable, Hashable {
    /// Bytes kept from the start of the stream.
    public let headLimit: Int
    /// Bytes kept from the end of the stream.
    public let tailLimit: Int
    /// The kept first bytes.
    public private(set) var head: [UInt8] = []
    private var tailStorage: [UInt8] = []
    /// Total bytes seen.
    public private(set) var totalBytes: Int = 0

    public init(headLimit: Int, tailLimit: Int) {
        self.headLimit = max(0, headLimit)
        self.tailLimit = max(0, tailLimit)
    }

    /// A cap keeping `limit` bytes in all, half at the head and half at the tail.
    public init(limit: Int) {
        self.init(headLimit: limit / 2, tailLimit: limit - limit / 2)
    }

    /// Whether bytes were dropped.
    public var isTruncated: Bool { totalBytes > head.count + tail.count }

    /// The kept tail bytes.
    public var tail: ArraySlice<UInt8> {
        let keep = min(tailLimit, tailStorage.count)
        return tailStorage[(tailStorage.count - keep)...]
    }

    /// Appends bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        totalBytes += bytes.count
        var rest = bytes[...]
        if head.count < headLimit {
            let take = min(headLimit - head.count, rest.count)
            head.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
        }
        guard !rest.isEmpty, tailLimit > 0 else { return }
        if rest.count >= tailLimit {
            tailStorage = Array(rest.suffix(tailLimit))
        } else {
            tailStorage.append(contentsOf: rest)
            if tailStorage.count > 2 * tailLimit { tailStorage.removeFirst(tailStorage.count - tailLimit) }
        }
    }

    /// Appends the bytes of a string (used in tests and for messages).
    public mutating func append(_ text: String) {
        var t = text
        t.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// The number of bytes between head and tail that were dropped.
    public var omittedBytes: Int { max(0, totalBytes - head.count - tail.count) }

    /// The kept text: head, then (if bytes were dropped) a marker line
    /// `[… fixlog: 12345 bytes omitted …]`, then the tail. Invalid UTF-8 is replaced.
    public var text: String {
        guard isTruncated else { return String(decoding: head + tail, as: UTF8.self) }
        var headText = String(decoding: head, as: UTF8.self)
        if !headText.hasSuffix("\n") { headText += "\n" }
        return headText + Self.cutMarker(omitted: omittedBytes) + "\n" + String(decoding: tail, as: UTF8.self)
    }

    /// The line that marks where output was cut.
    public static func cutMarker(omitted: Int) -> String { "[… fixlog: \(omitted) bytes omitted …]" }

    /// A shortened copy of `text` keeping at most `limit` bytes (head and tail), for excerpts.
    public static func excerpt(_ text: String, limit: Int) -> String {
        var capped = CappedOutput(limit: limit)
        capped.append(text)
        return capped.text
    }
}
