import Dispatch
import Foundation

extension Parallel {
    /// ``map(_:minimumPerWorker:_:)`` where each worker carries a state of its own from element to element
    /// (e.g. a memo of work already done), made by `state` once per worker. `transform` must give the same
    /// result whatever the state holds (a memo only saves work), so the output does not depend on which
    /// worker took which elements.
    static func map<T: Sendable, R: Sendable, S>(_ items: [T], minimumPerWorker: Int, state: @Sendable () -> S,
                                                 _ transform: @Sendable (inout S, T) -> R) -> [R] {
        let (minimum, overflow) = max(1, minimumPerWorker).multipliedReportingOverflow(by: cores)
        return map(items, minimumCount: overflow ? Int.max : minimum, state: state, transform)
    }

    /// The one mechanism under every `map`: on all cores when there are at least `minimumCount` elements (and
    /// more than one core), each worker with a state of its own; results written in their final places.
    static func map<T: Sendable, R: Sendable, S>(_ items: [T], minimumCount: Int, state: @Sendable () -> S,
                                                 _ transform: @Sendable (inout S, T) -> R) -> [R] {
        let cores = Self.cores
        guard cores > 1, items.count >= max(2, minimumCount) else {
            var s = state()
            return items.map { transform(&s, $0) }
        }
        // A few chunks per core balance uneven elements; each worker takes the next chunk when it is done
        // with one, keeping its state. Results are built in their final places (no copy of a result).
        let chunks = min(items.count, cores * 8)
        let next = ParallelCounter()
        return [R](unsafeUninitializedCapacity: items.count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            // Each chunk is a range of slots of its own, written by one worker exactly once.
            nonisolated(unsafe) let slots = base
            DispatchQueue.concurrentPerform(iterations: cores) { _ in
                var s = state()
                while let c = next.take(below: chunks) {
                    let lower = items.count * c / chunks, upper = items.count * (c + 1) / chunks
                    for i in lower..<upper { (slots + i).initialize(to: transform(&s, items[i])) }
                }
            }
            initialized = items.count
        }
    }
}

/// Hands out 0, 1, 2, … to parallel workers, each number once.
final class ParallelCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    /// The next number, or nil once `limit` is reached.
    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
