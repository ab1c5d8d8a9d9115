import Foundation

/// Checks successive versions of one log — regenerate checks the log, corrects its stale line references and
/// checks the corrected log — against target files read, parsed and indexed once, and takes over the claims and
/// verdicts of every change whose record reads exactly as in the previous check (same position, equal record,
/// same target file, stage and error). Each report is the report ``CrossLinker/check(log:logPath:root:dockerfileOverride:logDisplayPath:similarityThreshold:)``
/// gives for that log; supersession, verdicts and suggestions are always computed afresh.
public final class CheckSession: @unchecked Sendable {
    let logPath: String
    let root: String?
    let dockerfileOverride: String?
    let logDisplayPath: String?
    let similarityThreshold: Double

    /// Target files as first loaded (the same object in every check of the session).
    private var loaded: [String: Result<CrossLinker.LoadedTarget, TargetError>] = [:]
    private let lock = NSLock()

    /// What the previous check read and made: its records, each change as prepared (target, stage, error),
    /// each change's evaluation before supersession, the supersessions, and the verdicts.
    struct Previous: Sendable {
        var incidents: [Incident]
        /// Per record, the index (in log order over all changes) of its first change; one more entry at the end.
        var firstChange: [Int]
        var pending: [CrossLinker.PendingChange]
        var evaluations: [CrossLinker.Evaluation]
        var supersessions: [CrossLinker.Supersession]
        var results: [ChangeResult]
    }

    var previous: Previous?
    /// How many changes the last check took over from the one before (for tests).
    public private(set) var reusedChanges = 0

    public init(logPath: String, root: String? = nil, dockerfileOverride: String? = nil, logDisplayPath: String? = nil,
                similarityThreshold: Double = CrossLinker.defaultSimilarityThreshold) {
        self.logPath = logPath
        self.root = root
        self.dockerfileOverride = dockerfileOverride
        self.logDisplayPath = logDisplayPath
        self.similarityThreshold = similarityThreshold
    }

    /// Checks `log`, reusing what the previous check of this session evaluated where the log reads the same.
    public func check(_ log: FixLog) -> CheckReport {
        check(log, parallelMinimum: CrossLinker.parallelThreshold)
    }

    func check(_ log: FixLog, parallelMinimum: Int) -> CheckReport {
        CrossLinker.check(log: log, logPath: logPath, root: root, dockerfileOverride: dockerfileOverride,
                          logDisplayPath: logDisplayPath, similarityThreshold: similarityThreshold,
                          parallelMinimum: parallelMinimum, session: self)
    }

    /// The target at `path`, loaded once for the session.
    func load(_ target: TargetResolver.Target) -> Result<CrossLinker.LoadedTarget, TargetError> {
        lock.lock()
        defer { lock.unlock() }
        if let known = loaded[target.path] { return known }
        let result = CrossLinker.LoadedTarget.load(target)
        loaded[target.path] = result
        return result
    }

    func record(_ previous: Previous, reused: Int) {
        self.previous = previous
        reusedChanges = reused
    }
}
