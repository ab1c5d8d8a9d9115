import Foundation

/// Order-preserving parallel map for independent work: the items are split into contiguous chunks, each chunk
/// is mapped on some core, and the results are joined in item order, so the output is the same whatever the
/// scheduling.
enum Parallel {
    /// `items.map(transform)`, on several cores when there are at least `minimumPerWorker` items per core.
    static func map<T: Sendable, R: Sendable>(_ items: [T], minimumPerWorker: Int,
                                              _ transform: @Sendable (T) -> R) -> [R] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let workers = min(cores, items.count / max(1, minimumPerWorker))
        guard workers > 1 else { return items.map(transform) }
        // A few chunks per core even out uneven items.
        let chunks = workers * 4
        let size = (items.count + chunks - 1) / chunks
        let results = ChunkResults<R>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = min(items.count, c * size), hi = min(items.count, lo + size)
            results.set(c, items[lo..<hi].map(transform))
        }
        return results.joined()
    }
}

/// Per-chunk results written by concurrent workers (each to its own slot, under a lock).
private final class ChunkResults<R: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[R]]

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ chunk: Int, _ values: [R]) {
        lock.lock(); defer { lock.unlock() }
        slots[chunk] = values
    }

    func joined() -> [R] {
        lock.lock(); defer { lock.unlock() }
        return Array(slots.joined())
    }
}
