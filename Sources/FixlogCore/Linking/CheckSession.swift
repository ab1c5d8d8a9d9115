import Foundation

/// Checks successive versions of one log — regenerate checks the log, corrects its stale line references and
/// checks the corrected log — against target files read, parsed and indexed once (``preload()`` reads the default
/// one ahead). Each change is compared with the change at the same place (record and index) in the previous check:
/// an equal change that meets the same file, stage and error keeps its claims and verdicts; one that differs only
/// in its line reference keeps its claims, judged again. When every record keeps its place, number, date and title
/// and no change's claims or open questions changed, the supersessions, and the verdicts of the changes kept, are
/// the previous check's. Each report is the report
/// ``CrossLinker/check(log:logPath:root:dockerfileOverride:logDisplayPath:similarityThreshold:)`` gives for that log.
/// Checks of one session run one at a time.
public final class CheckSession: @unchecked Sendable {
    let logPath: String
    let root: String?
    let dockerfileOverride: String?
    let logDisplayPath: String?
    let similarityThreshold: Double

    /// How the state of a check this session no longer needs is let go (the previous check's, when the next
    /// check replaces it, and the last one's with the session).
    let scratch: FixLogIngester.Scratch

    /// Target files as first loaded (the same object in every check of the session).
    private var loaded: [String: Result<CrossLinker.LoadedTarget, TargetError>] = [:]
    /// The resolver of every check of the session (finding the default root looks at the file system).
    private var knownResolver: TargetResolver?
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

        /// Index (in log order over all changes) of change `c` of record `r`, when the previous check had it.
        func index(record r: Int, change c: Int) -> Int? {
            guard r >= 0, c >= 0, r + 1 < firstChange.count, c < firstChange[r + 1] - firstChange[r] else { return nil }
            return firstChange[r] + c
        }
    }

    var previous: Previous?
    /// How many changes the last check took over from the one before (for tests).
    public private(set) var reusedChanges = 0
    /// How many changes the last check judged again from the claims of the one before (for tests).
    private(set) var rejudgedChanges = 0
    /// Whether the last check took over the supersessions of the one before (for tests).
    private(set) var tookOverSupersessions = false

    /// - Parameter scratch: how the readings a check no longer needs are let go; `.keepUntilExit` for a command
    ///   that exits soon after its last check (see ``FixLogIngester/Scratch``).
    public init(logPath: String, root: String? = nil, dockerfileOverride: String? = nil, logDisplayPath: String? = nil,
                similarityThreshold: Double = CrossLinker.defaultSimilarityThreshold,
                scratch: FixLogIngester.Scratch = .freeInBackground) {
        self.logPath = logPath
        self.root = root
        self.dockerfileOverride = dockerfileOverride
        self.logDisplayPath = logDisplayPath
        self.similarityThreshold = similarityThreshold
        self.scratch = scratch
    }

    deinit {
        if let previous { scratch.dispose(previous) }
    }

    /// Reads, parses and indexes the target file that changes naming no file are checked against (the
    /// `dockerfileOverride` when there is one), so that the first check finds it loaded: call it on another core
    /// while the log is being read (see ``preloadInBackground()``). A check that needs the file meanwhile waits
    /// for it; the checks' results are the same with or without it.
    public func preload() {
        let resolver = self.resolver
        let target: TargetResolver.Target
        if let dockerfileOverride {
            target = CrossLinker.overrideTarget(dockerfileOverride, resolver: resolver)
        } else {
            guard case .success(let t) = resolver.resolve(nil) else { return }
            target = t
        }
        // Only a regular file: opening anything else (a FIFO) may block, and that is for a check that needs it to
        // meet, not for a preload the log may never need.
        var info = stat()
        guard stat(target.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
        _ = load(target)
    }

    /// ``preload()`` on another core; returns at once. (Whichever of the preload and a check gets to the file
    /// first loads it; the other waits for it.)
    public func preloadInBackground() {
        DispatchQueue.global(qos: .userInitiated).async { [self] in preload() }
    }

    /// The resolver of the session's checks.
    var resolver: TargetResolver {
        lock.lock()
        defer { lock.unlock() }
        return resolverLocked()
    }

    private func resolverLocked() -> TargetResolver {
        if let knownResolver { return knownResolver }
        let made = TargetResolver(root: root ?? TargetResolver.defaultRoot(forLog: logPath), logPath: logPath)
        knownResolver = made
        return made
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

    func record(_ previous: Previous, reused: Int, rejudged: Int, supersessionsTakenOver: Bool) {
        if let replaced = self.previous { scratch.dispose(replaced) }
        self.previous = previous
        reusedChanges = reused
        rejudgedChanges = rejudged
        tookOverSupersessions = supersessionsTakenOver
    }
}
