/// `--shard I/N`: this run takes the records whose 1-based position `p` satisfies
/// `(p - 1) % N == I - 1`. Every step of a record goes to the same shard, the split depends only on
/// record positions (never on timing or hashing), and the N shards together cover every record once.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 1-based shard index.
    public var index: Int
    /// Number of shards.
    public var count: Int

    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 1, index <= count else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (`2/4`).
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else { return nil }
        self.init(index: i, count: n)
    }

    /// Whether the record at 1-based position `record` belongs to this shard.
    public func includes(record: Int) -> Bool {
        record >= 1 && (record - 1) % count == index - 1
    }

    public var description: String { "\(index)/\(count)" }
}
