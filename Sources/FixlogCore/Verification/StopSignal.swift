import Foundation

/// A flag that asks running steps to stop (set on Ctrl-C). Steps that see it stop their process group
/// the same way a timeout does and are reported as interrupted.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false

    public init() {}

    /// Asks every step to stop.
    public func stop() {
        lock.lock(); stopped = true; lock.unlock()
    }

    /// Whether ``stop()`` was called.
    public var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }
}

/// A small lock-protected box for values shared between tasks.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
    func update<R>(_ body: (inout Value) -> R) -> R { lock.lock(); defer { lock.unlock() }; return body(&value) }
}
