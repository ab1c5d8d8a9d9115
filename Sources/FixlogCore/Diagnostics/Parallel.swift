import Dispatch
import Foundation

/// Deterministic data parallelism: work split into index ranges, results joined in input order, so the
/// output never depends on scheduling.
enum Parallel {
    /// The number of cores to use.
    static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `transform` applied to every element, on several cores when there are at least `minimumPerWorker`
    /// elements per core.
    static func map<T: Sendable, R: Sendable>(_ items: [T], minimumPerWorker: Int, _ transform: @Sendable (T) -> R) -> [R] {
        let (minimum, overflow) = max(1, minimumPerWorker).multipliedReportingOverflow(by: cores)
        return map(items, minimumCount: overflow ? Int.max : minimum, transform)
    }

    /// `transform` applied to every element, on all cores when there are at least `minimumCount` elements
    /// (and more than one core); the results are in the order of `items`.
    static func map<T: Sendable, R: Sendable>(_ items: [T], minimumCount: Int = 1, _ transform: @Sendable (T) -> R) -> [R] {
        map(items, minimumCount: minimumCount, state: {}) { _, item in transform(item) }
    }
}

/// Fixed slots that parallel iterations fill by index (each slot written by exactly one iteration).
/// (`lock()`/`unlock()` rather than `withLock`, which macOS 13, the deployment target, lacks.)
final class ParallelSlots<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Value? {
        get {
            lock.lock(); defer { lock.unlock() }
            return storage[index]
        }
        set {
            lock.lock(); defer { lock.unlock() }
            storage[index] = newValue
        }
    }

    /// The values in index order (slots never filled are left out).
    var values: [Value] {
        lock.lock(); defer { lock.unlock() }
        return storage.compactMap { $0 }
    }
}
