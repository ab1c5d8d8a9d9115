import Foundation

/// Checks every documented change of a fix log against the real Dockerfile(s): the core of `fixlog check`.
public enum CrossLinker {
    /// Minimum word similarity for the closest instruction to be reported as `changed` rather than `missing`.
    public static let defaultSimilarityThreshold = 0.6

    /// Check a log.
    /// - Parameters:
    ///   - log: the ingested log.
    ///   - logPath: the log's path (as the user named it), used to resolve `**File:**` values and in output.
    ///   - root: the repository root (default: the git top level above the log, else the log's directory).
    ///   - dockerfileOverride: check every change against this Dockerfile instead of its `**File:**`.
    ///   - logDisplayPath: how to name the log in output (default: `logPath`).
    public static func check(log: FixLog, logPath: String, root: String? = nil, dockerfileOverride: String? = nil,
                             logDisplayPath: String? = nil,
                             similarityThreshold: Double = defaultSimilarityThreshold) -> CheckReport {
        check(log: log, logPath: logPath, root: root, dockerfileOverride: dockerfileOverride,
              logDisplayPath: logDisplayPath, similarityThreshold: similarityThreshold,
              parallelMinimum: parallelThreshold)
    }

    /// ``check(log:logPath:root:dockerfileOverride:logDisplayPath:similarityThreshold:)`` with the number of
    /// changes per core below which the claims are checked on one core (tests compare both ways).
    /// `sortedSupersession: false` makes supersession scan every candidate record (tests compare both ways).
    static func check(log: FixLog, logPath: String, root: String?, dockerfileOverride: String?,
                      logDisplayPath: String?, similarityThreshold: Double, parallelMinimum: Int,
                      sortedSupersession: Bool = true, session: CheckSession? = nil) -> CheckReport {
        let resolver = session?.resolver ?? TargetResolver(root: root ?? TargetResolver.defaultRoot(forLog: logPath), logPath: logPath)
        let shownLog = logDisplayPath ?? logPath
        var targets: [String: Result<LoadedTarget, TargetError>] = [:]
        var overrideTarget: Result<LoadedTarget, TargetError>? = nil
        var resolutions: [String: Result<TargetResolver.Target, TargetError>] = [:]
        var stages: [StageKey: Int?] = [:]
        var changeKinds: [ChangeKindKey: Bool] = [:]
        // The last key looked up in each table and its answer: consecutive changes nearly always name the same
        // file, language and stage, and comparing two short strings costs less than hashing them.
        var lastKind: (key: ChangeKindKey, isDockerfile: Bool)? = nil
        var lastResolution: (name: String, resolution: Result<TargetResolver.Target, TargetError>)? = nil
        var lastStage: (target: LoadedTarget, hint: String?, stage: Int?)? = nil

        // Pass 1, in log order: each change's target file (read, parsed and indexed once per file) and stage.
        // The diagnostics of loading a file belong to the first change that needed it. Changes are read in
        // place (never copied): a pending change names its record and its index there.
        var records: [Record] = []
        records.reserveCapacity(log.incidents.count)
        var pending: [PendingChange] = []
        var loadDiagnostics: [[Diagnostic]] = []
        // Where each record's changes start among all changes (and their count, last): pass 1 appends one pending
        // change per change, so change c of record r is pending change firstChange[r] + c.
        let firstChange: [Int] = log.incidents.withUnsafeBufferPointer { all in
            var starts: [Int] = []
            starts.reserveCapacity(all.count + 1)
            var total = 0
            for r in all.indices {
                starts.append(total)
                total += all[r].changes.count
            }
            starts.append(total)
            return starts
        }
        let changeCount = firstChange[firstChange.count - 1]
        pending.reserveCapacity(changeCount)
        loadDiagnostics.reserveCapacity(changeCount)
        func load(_ target: TargetResolver.Target, into found: inout [Diagnostic]) -> Result<LoadedTarget, TargetError> {
            if let cached = targets[target.path] { return cached }
            let result = session?.load(target) ?? LoadedTarget.load(target)
            if case .failure(let e) = result { found.append(e.diagnostic) }
            if case .success(let t) = result { found += t.warnings }
            targets[target.path] = result
            return result
        }
        let incidents = log.incidents
        // The change's fields are read where they are (a `DocumentedChange` handed over whole is copied).
        func prepare(_ p: Int, _ c: Int, into item: inout PendingChange, found: inout [Diagnostic]) {
            // Whether a block is Dockerfile code depends only on its file, language and how that was found.
            let kindKey = ChangeKindKey(file: incidents[p].changes[c].file, language: incidents[p].changes[c].language,
                                        guessed: incidents[p].changes[c].languageGuessed)
            let isDockerfile: Bool
            if let last = lastKind, last.key == kindKey { isDockerfile = last.isDockerfile }
            else if let known = changeKinds[kindKey] { isDockerfile = known } else {
                isDockerfile = isDockerfileChange(file: kindKey.file, language: kindKey.language, guessed: kindKey.guessed)
                changeKinds[kindKey] = isDockerfile
            }
            lastKind = (kindKey, isDockerfile)
            guard isDockerfile else {
                let what = kindKey.file.map { "'\($0)'" } ?? (kindKey.language.map { "a '\($0)' block" } ?? "this block")
                item.note = .note(.snippetNotDockerfile, "\(what) is not Dockerfile code; not checked",
                                  file: shownLog, range: incidents[p].changes[c].range)
                return
            }
            item.isDockerfileCode = true
            let resolved: Result<LoadedTarget, TargetError>
            if let dockerfileOverride {
                if overrideTarget == nil {
                    overrideTarget = load(Self.overrideTarget(dockerfileOverride, resolver: resolver), into: &found)
                }
                resolved = overrideTarget ?? .failure(TargetError(diagnostic: .error(.fileNotFound, "no Dockerfile")))
            } else {
                let name = kindKey.file ?? ""
                let resolution: Result<TargetResolver.Target, TargetError>
                if let last = lastResolution, last.name == name { resolution = last.resolution }
                else if let known = resolutions[name] { resolution = known } else {
                    resolution = resolver.resolve(kindKey.file)
                    resolutions[name] = resolution
                }
                lastResolution = (name, resolution)
                switch resolution {
                case .success(let t): resolved = load(t, into: &found)
                case .failure(var e):
                    // Located at this change's reference (or block) in the log.
                    e.diagnostic.file = shownLog
                    e.diagnostic.range = incidents[p].changes[c].lineRef?.range ?? incidents[p].changes[c].range
                    found.append(e.diagnostic)
                    resolved = .failure(e)
                }
            }
            switch resolved {
            case .failure(let e):
                item.error = e.diagnostic
            case .success(let target):
                item.target = target
                // The same hint names the same stage of the same file: resolve it once.
                let hint = incidents[p].changes[c].stage
                if let last = lastStage, last.target === target, last.hint == hint { item.stage = last.stage } else {
                    let hintKey = StageKey(path: target.target.path, hint: hint)
                    if let cached = stages[hintKey] { item.stage = cached } else {
                        item.stage = StageResolver.resolve(hintKey.hint, in: target.dockerfile.stages)
                        stages[hintKey] = .some(item.stage)
                    }
                    lastStage = (target, hint, item.stage)
                }
            }
        }
        // In a session, each change is compared with the change at the same place (record and index) in the
        // previous check, on all cores, before anything else: an equal change that met a file already loaded in
        // this check is prepared as it was then (what preparing it again would give, with no diagnostics).
        let previous = session?.previous
        let relations: [ChangeRelation] = previous.map { p in
            Parallel.map(Array(0..<changeCount), minimumCount: 256) { i in
                // The record holding change i: the last record starting at or before it.
                var lo = 0, hi = firstChange.count - 1
                while hi - lo > 1 {
                    let mid = (lo + hi) / 2
                    if firstChange[mid] <= i { lo = mid } else { hi = mid }
                }
                return Self.relation(record: lo, index: i - firstChange[lo], incidents: incidents, previous: p)
            }
        } ?? []
        for position in incidents.indices {
            records.append(Record(
                order: RecordOrder(number: incidents[position].number, date: incidents[position].date,
                                   position: position),
                reference: RecordReference(incident: incidents[position].number, title: incidents[position].title,
                                           date: incidents[position].date, position: position)))
            for index in incidents[position].changes.indices {
                if let p = previous, relations[pending.count] == .equal,
                    let j = p.index(record: position, change: index), p.pending[j].isDockerfileCode,
                    p.pending[j].error == nil, let t = p.pending[j].target,
                    dockerfileOverride == nil ? targets[t.target.path] != nil : overrideTarget != nil {
                    pending.append(p.pending[j])
                    loadDiagnostics.append([])
                    continue
                }
                var item = PendingChange(record: position, index: index)
                var found: [Diagnostic] = []
                prepare(position, index, into: &item, found: &found)
                pending.append(item)
                loadDiagnostics.append(found)
            }
        }

        // Pass 1b: claims and their verdicts, without supersession. Changes are independent here, so a large
        // log is split over the cores; results go back to their positions, so the output does not depend on
        // the scheduling. Each worker keeps a memo of the snippet texts and instructions it has read (a log
        // repeats them); the memo only saves work, the claims are the same without it.
        let threshold = similarityThreshold
        let work = pending
        let perWorker = pending.count / Parallel.cores + 1
        // In a session, each change is compared with the change at the same place in the previous check: an
        // equal change met with the same file, stage and error is evaluated as it was then (taken over); a change
        // that differs only in its line reference has the same claims (they are made from the code alone), so
        // only their verdicts are made again.
        let reuse: [Reuse] = previous.map { p in
            Parallel.map(Array(pending.indices), minimumCount: 256) { i in
                Self.reuse(of: work[i], relation: relations[i], previous: p)
            }
        } ?? []
        let evaluations = Parallel.map(Array(pending.indices), minimumPerWorker: parallelMinimum,
                                       state: { ClaimExtractor.Memo(logPath: shownLog, capacity: perWorker) }) { memo, i -> Evaluation in
            guard work[i].isDockerfileCode else { return Evaluation() }
            if !reuse.isEmpty, let p = previous {
                switch reuse[i] {
                case .none: break
                case .takeOver(let j): return p.evaluations[j]
                case .sameClaims(let j):
                    return withChange(log, work[i].record, work[i].index) { change in
                        judged(p.evaluations[j], change: change, target: work[i].target, error: work[i].error,
                               stage: work[i].stage, threshold: threshold, logPath: shownLog)
                    }
                }
            }
            return withChange(log, work[i].record, work[i].index) { change in
                evaluate(change, target: work[i].target, error: work[i].error, stage: work[i].stage,
                         threshold: threshold, memo: &memo)
            }
        }

        // The run's diagnostics in log order: per change, its snippet's, its file's, its stage note.
        var diagnostics: [Diagnostic] = []
        for i in pending.indices {
            if pending[i].isDockerfileCode { diagnostics += evaluations[i].diagnostics }
            diagnostics += loadDiagnostics[i]
            if let d = evaluations[i].stageNote { diagnostics.append(d) }
        }

        // Pass 2: supersession by later records. In a session, when every record is placed and named as before
        // and every change's claims are about the same instructions with the same questions open, the
        // supersessions are those of the previous check.
        let sameRecords = previous.map { p in Self.sameRecords(p, incidents, firstChange) } ?? false
        let unchangedQuestions = sameRecords && previous.map { p in
            !Parallel.map(Array(pending.indices), minimumCount: 1024) { i in
                if case .takeOver = reuse[i] { return false }
                return !sameQuestions(p.evaluations[i], evaluations[i])
            }.contains(true)
        } ?? false
        let supersessions: [Supersession]
        if unchangedQuestions, let p = previous {
            supersessions = p.supersessions
        } else {
            supersessions = Self.supersessions(pending, records: records, evaluations, sorted: sortedSupersession)
        }
        let superseded = applied(supersessions, to: evaluations, records: records)

        // Each change's verdict is independent again: on all cores, in place. In a session, a change taken over
        // whose supersessions are those of the previous check, in a log whose records read as before, has the
        // verdict it had then.
        let recordList = records
        let results = Parallel.map(Array(pending.indices), minimumPerWorker: parallelMinimum, state: { () }) { _, i in
            if unchangedQuestions, let p = previous, case .takeOver(let j) = reuse[i] { return p.results[j] }
            return finish(i, work, evaluations, superseded: superseded, incidents: incidents, records: recordList)
        }
        for i in results.indices where results[i].needsLineRefFix {
            if let range = results[i].lineRefRange, let lineRef = results[i].lineRef,
                let suggestion = results[i].suggestedLineRef {
                diagnostics.append(.warning(.lineRefStale,
                    "'\(lineRef)' no longer covers the documented instructions; they are at '\(suggestion)' in '\(results[i].file ?? "Dockerfile")'",
                    file: shownLog, range: range))
            }
        }

        if let session {
            var taken = 0, rejudged = 0
            for r in reuse {
                switch r {
                case .takeOver: taken += 1
                case .sameClaims: rejudged += 1
                case .none: break
                }
            }
            session.record(CheckSession.Previous(incidents: incidents, firstChange: firstChange, pending: pending,
                                                 evaluations: evaluations, supersessions: supersessions,
                                                 results: results),
                           reused: taken, rejudged: rejudged, supersessionsTakenOver: unchangedQuestions)
        }
        return CheckReport(log: shownLog, root: resolver.root, results: results, diagnostics: diagnostics)
    }

    /// The target every change is checked against with `dockerfileOverride`.
    static func overrideTarget(_ dockerfileOverride: String, resolver: TargetResolver) -> TargetResolver.Target {
        let path = TargetResolver.canonical(dockerfileOverride)
        let shown = resolver.isInsideRoot(path) ? resolver.display(path) : dockerfileOverride
        return TargetResolver.Target(path: path, display: shown)
    }

    /// What a session's check takes from the previous check for one change.
    enum Reuse: Sendable {
        /// Evaluated afresh.
        case none
        /// The change at index `j` of the previous check is equal and met the same file, stage and error: its
        /// evaluation is taken over.
        case takeOver(Int)
        /// The change at index `j` of the previous check is equal but for its line reference (or met another
        /// file, stage or error): its claims are taken over and judged again.
        case sameClaims(Int)
    }

    /// What a session's check takes over for `item`, which compares with the change at the same place (record
    /// and index) in the previous check as `relation` says.
    static func reuse(of item: PendingChange, relation: ChangeRelation, previous p: CheckSession.Previous) -> Reuse {
        guard item.isDockerfileCode, relation != .different, let j = p.index(record: item.record, change: item.index),
            p.pending[j].isDockerfileCode else { return .none }
        if relation == .equal, p.pending[j].target === item.target, p.pending[j].stage == item.stage,
            p.pending[j].error == item.error {
            return .takeOver(j)
        }
        return .sameClaims(j)
    }

    /// How change `c` of record `r` compares with the change at the same place in the previous check.
    static func relation(record r: Int, index c: Int, incidents: [Incident], previous p: CheckSession.Previous)
        -> ChangeRelation {
        guard r < p.incidents.count else { return .different }
        return incidents.withUnsafeBufferPointer { new in
            p.incidents.withUnsafeBufferPointer { old in compare(old[r].changes, new[r].changes, at: c) }
        }
    }

    enum ChangeRelation { case equal, equalButLineRef, different }

    /// How change `c` of `old` compares with change `c` of `new` (the same array storage is equal without
    /// reading it: a record read again only where it was edited keeps the others' arrays).
    static func compare(_ old: [DocumentedChange], _ new: [DocumentedChange], at c: Int) -> ChangeRelation {
        old.withUnsafeBufferPointer { a in
            new.withUnsafeBufferPointer { b in
                guard c < a.count, c < b.count else { return .different }
                if a.count == b.count, a.baseAddress == b.baseAddress { return .equal }
                if a[c] == b[c] { return .equal }
                guard a[c].lineRef != b[c].lineRef else { return .different }
                var masked = a[c]
                masked.lineRef = b[c].lineRef
                return masked == b[c] ? .equalButLineRef : .different
            }
        }
    }

    /// Every record is where it was in the previous check, with the same number, date and title, and has as
    /// many changes.
    static func sameRecords(_ p: CheckSession.Previous, _ incidents: [Incident], _ firstChange: [Int]) -> Bool {
        guard p.incidents.count == incidents.count, p.firstChange == firstChange else { return false }
        return incidents.withUnsafeBufferPointer { new in
            p.incidents.withUnsafeBufferPointer { old in
                for r in 0..<new.count {
                    guard old[r].number == new[r].number, old[r].date == new[r].date, old[r].title == new[r].title
                    else { return false }
                }
                return true
            }
        }
    }

    /// Two evaluations make the same claims about the same instructions and leave the same claims open to
    /// supersession (what ``supersessions(_:records:_:sorted:)`` reads of them).
    static func sameQuestions(_ a: Evaluation, _ b: Evaluation) -> Bool {
        guard a.keys.count == b.keys.count, a.verdicts.count == b.verdicts.count else { return false }
        for k in a.keys.indices {
            guard a.keys[k].kind == b.keys[k].kind, a.keys[k].isImageClaim == b.keys[k].isImageClaim,
                a.keys[k].key == b.keys[k].key, a.keys[k].image == b.keys[k].image else { return false }
        }
        for k in a.verdicts.indices {
            guard isQuestion(a.keys[k].kind, a.verdicts[k].status) == isQuestion(b.keys[k].kind, b.verdicts[k].status)
            else { return false }
        }
        return true
    }

    /// Whether a later record can supersede a claim with this verdict: a missing or changed present claim, a
    /// violated absent claim.
    @inline(__always)
    static func isQuestion(_ kind: Claim.Kind, _ status: CheckStatus) -> Bool {
        kind == .present ? (status == .missing || status == .changed) : status == .violated
    }

    /// Calls `body` with a change of the log read in place (a `DocumentedChange` copied costs a retain and a
    /// release of each of its strings and arrays).
    @inline(__always)
    static func withChange<R>(_ log: FixLog, _ record: Int, _ index: Int, _ body: (DocumentedChange) -> R) -> R {
        log.incidents.withUnsafeBufferPointer { incidents in
            incidents[record].changes.withUnsafeBufferPointer { changes in body(changes[index]) }
        }
    }

    /// Claims of one change and their verdicts: checked when its target file loaded, `unchecked` with the
    /// reason when it did not.
    static func evaluate(_ change: DocumentedChange, target: LoadedTarget?, error: Diagnostic?, stage: Int?,
                         threshold: Double, memo: inout ClaimExtractor.Memo) -> Evaluation {
        let extracted = ClaimExtractor.claims(for: change, memo: &memo)
        var made = Evaluation(diagnostics: extracted.diagnostics)
        let claims = extracted.claims
        made.keys.reserveCapacity(claims.count)
        for k in claims.indices {
            made.keys.append(ClaimKey(kind: claims[k].kind, isImageClaim: claims[k].isImageClaim, key: claims[k].key,
                                      image: claims[k].image))
        }
        made.claims = claims
        return judged(made, change: change, target: target, error: error, stage: stage, threshold: threshold,
                      logPath: memo.logPath ?? "")
    }

    /// The verdicts on the claims of `made` (its claims, keys and snippet diagnostics are kept; what was judged
    /// before is replaced): the claims are made from a change's code alone, so a change that differs only in its
    /// line reference, file or stage has them judged again without reading its code again.
    static func judged(_ made: Evaluation, change: DocumentedChange, target: LoadedTarget?, error: Diagnostic?,
                       stage: Int?, threshold: Double, logPath: String) -> Evaluation {
        var evaluation = Evaluation(keys: made.keys, diagnostics: made.diagnostics, claims: made.claims)
        let claims = made.claims
        if let target {
            evaluate(claims, into: &evaluation, change: change, in: target, stage: stage, threshold: threshold,
                     logPath: logPath)
        } else if let error {
            evaluation.verdicts.reserveCapacity(claims.count)
            for k in claims.indices {
                evaluation.verdicts.append(ClaimResult(kind: claims[k].kind, origin: claims[k].origin,
                                                       instruction: claims[k].instruction, status: .unchecked,
                                                       detail: error.message, logLines: claims[k].logLines))
            }
        }
        return evaluation
    }

    /// Whether a change documents Dockerfile code: a `dockerfile` fence (or a diff/unlabelled block) aimed
    /// at no file, at a file named like a Dockerfile, or at a file without an extension.
    public static func isDockerfileChange(_ change: DocumentedChange) -> Bool {
        isDockerfileChange(file: change.file, language: change.language, guessed: change.languageGuessed)
    }

    static func isDockerfileChange(file: String?, language: String?, guessed: Bool) -> Bool {
        let fileName = ((file ?? "") as NSString).lastPathComponent.lowercased()
        let language = (language ?? "").lowercased()
        if ["dockerfile", "docker", "containerfile"].contains(language) { return true }
        guard language.isEmpty || language == "diff" || guessed else { return false }
        if fileName.isEmpty || fileName.containsBytes("dockerfile") || fileName.containsBytes("containerfile") { return true }
        return !fileName.utf8.contains(UInt8(ascii: "."))
    }

    // MARK: - Internals

    struct ChangeKindKey: Hashable {
        var file: String?
        var language: String?
        var guessed: Bool
    }

    struct StageKey: Hashable {
        var path: String
        var hint: String?
    }

    struct RecordOrder: Hashable, Sendable {
        var number: Int?
        var date: String?
        var position: Int

        /// `other` is later than `self`: a later date when both have one, else a higher number.
        func isEarlier(than other: RecordOrder) -> Bool {
            if let a = date, let b = other.date, a != b { return a < b }
            if let a = number, let b = other.number, a != b { return a < b }
            return false
        }
    }

    /// Changes checked per core at least before the work is split over several cores.
    static let parallelThreshold = 256

    /// A target file read, parsed and indexed once, shared by every change aimed at it (a class, so that
    /// each change holds a reference rather than a copy of the whole model).
    final class LoadedTarget: Sendable {
        let target: TargetResolver.Target
        let source: SourceText
        let dockerfile: Dockerfile
        let index: InstructionIndex
        let warnings: [Diagnostic]

        init(target: TargetResolver.Target, source: SourceText, dockerfile: Dockerfile, index: InstructionIndex,
             warnings: [Diagnostic]) {
            self.target = target
            self.source = source
            self.dockerfile = dockerfile
            self.index = index
            self.warnings = warnings
        }

        static func load(_ target: TargetResolver.Target) -> Result<LoadedTarget, TargetError> {
            let loaded = SourceText.load(path: target.path, displayPath: target.display)
            guard let text = loaded.text, !loaded.diagnostics.hasErrors else {
                let d = loaded.diagnostics.first ?? .error(.fileUnreadable, "cannot read '\(target.display)'", file: target.display)
                return .failure(TargetError(diagnostic: d))
            }
            let parsed = DockerfileParser.parse(text)
            guard let dockerfile = parsed.dockerfile else {
                let first = parsed.diagnostics.first { $0.severity == .error }
                var d = Diagnostic.error(.dockerfileUnreadable,
                    "'\(target.display)' is not a Dockerfile BuildKit accepts" + (first.map { ": " + $0.message } ?? ""),
                    file: target.display, range: first?.range)
                d.notes = parsed.diagnostics.filter { $0 != first }.map { Diagnostic.Note(message: $0.message, file: $0.file, range: $0.range) }
                return .failure(TargetError(diagnostic: d))
            }
            return .success(LoadedTarget(target: target, source: text, dockerfile: dockerfile,
                                         index: InstructionIndex(dockerfile), warnings: []))
        }
    }

    /// A record's place in the log's order and how verdicts name it.
    struct Record: Sendable {
        var order: RecordOrder
        var reference: RecordReference
    }

    /// A change as pass 1 prepared it: where it is in the log, its target file and stage, or why it is not checked.
    struct PendingChange: Sendable {
        /// Index of the record in the log (its position).
        var record: Int
        /// Index of the change within its record.
        var index: Int
        var target: LoadedTarget? = nil
        var error: Diagnostic? = nil
        var stage: Int? = nil
        /// Why the change is not checked (it is not Dockerfile code).
        var note: Diagnostic? = nil
        /// The change documents Dockerfile code (its claims are checked).
        var isDockerfileCode = false
    }

    /// Reads one instruction of a Dockerfile in place (copying an `Instruction` retains every field).
    struct InstructionView {
        let df: Dockerfile
        let i: Int
        var lines: LineSpan { df.instructions[i].lines }
        var original: String { df.instructions[i].original }
        var stageIndex: Int? { df.instructions[i].stageIndex }
    }

    /// A claim's kind and what it is about.
    struct ClaimKey: Sendable {
        var kind: Claim.Kind
        var isImageClaim: Bool
        var key: String
        var image: String?
    }

    /// A change's claims and their verdicts (what checking one change produces).
    struct Evaluation: Sendable {
        /// What supersession needs of each claim.
        var keys: [ClaimKey] = []
        /// From reading the snippet.
        var diagnostics: [Diagnostic] = []
        var verdicts: [ClaimResult] = []
        /// Matched Dockerfile comment lines above each present claim's instruction (claims past the end have none).
        var commentSpans: [LineSpan?] = []
        var stageNote: Diagnostic? = nil
        /// The claims (kept for a session's next check, which judges them again when only the change's line
        /// reference, file or stage differs).
        var claims: [Claim] = []
    }

    static func evaluate(_ claims: [Claim], into item: inout Evaluation, change: DocumentedChange, in target: LoadedTarget,
                         stage: Int?, threshold: Double, logPath: String) {
        let df = target.dockerfile
        let index = target.index
        if stage == nil, let hint = change.stage, df.stages.count > 1 {
            item.stageNote = .note(.stageHintUnresolved,
                "stage hint '\(hint)' matches no stage of '\(target.target.display)'; searching the whole file",
                file: logPath, range: change.range)
        }
        let documented = change.lineRef?.span
        func inScope(_ i: Int) -> Bool { stage == nil || df.instructions[i].stageIndex == stage }
        func stageLabel(_ s: Int?) -> String {
            guard let s, s >= 0, s < df.stages.count else { return "before the first FROM" }
            return df.stages[s].name.map { "'\($0)'" } ?? "\(s)"
        }
        var used = Set<Int>()
        var previousLine = 0
        // Each claim is read in place (a claim copied per visit costs a retain and a release of each of its strings).
        func judge(_ claim: Claim) -> (ClaimResult, LineSpan?) {
            var v = ClaimResult(kind: claim.kind, origin: claim.origin, instruction: claim.instruction,
                                status: .missing, logLines: claim.logLines, stage: stage)
            var commentSpan: LineSpan? = nil
            var candidates = claim.isImageClaim ? index.from(image: claim.image ?? "") : index.exact(claim.key)
            var viaEllipsis = false
            if candidates.isEmpty, claim.kind == .present, !claim.isImageClaim {
                // `...` in the log stands for omitted words: the rest must appear, in order.
                let words = InstructionNormalizer.similarityWords(ofKey: claim.key)
                if words.contains(where: InstructionNormalizer.isEllipsis) {
                    candidates = index.containing(words.filter { !InstructionNormalizer.isEllipsis($0) },
                                                  keyword: claim.keyword, near: documented?.first)
                    viaEllipsis = !candidates.isEmpty
                }
            }
            let scoped = stage == nil ? candidates : candidates.filter(inScope)
            func pick(_ list: [Int]) -> Int? {
                list.min { a, b in
                    rank(a) < rank(b)
                }
            }
            func rank(_ i: Int) -> (Int, Int, Int, Int) {
                let lines = df.instructions[i].lines
                return (used.contains(i) ? 1 : 0, documented.map { $0.contains(lines) ? 0 : 1 } ?? 0,
                        lines.first >= previousLine ? 0 : 1, i)
            }
            switch claim.kind {
            case .present:
                if let i = pick(scoped) {
                    used.insert(i)
                    let inst = InstructionView(df: df, i: i)
                    v.actualLines = inst.lines
                    v.normalisations = viaEllipsis ? [.ellipsis] : normalisations(claim, inst, target.source)
                    if viaEllipsis { v.actualInstruction = InstructionNormalizer.collapse(inst.original) }
                    if let documented, !documented.contains(inst.lines) {
                        v.status = .moved
                        v.detail = "at \(describe(inst.lines)), outside the documented \(describe(documented))"
                    } else if inst.lines.first < previousLine {
                        v.status = .moved
                        v.detail = "at \(describe(inst.lines)), out of the documented order"
                    } else {
                        v.status = .holds
                    }
                    previousLine = max(previousLine, inst.lines.last)
                    commentSpan = matchedComments(claim.leadingComments, above: inst.lines.first, in: target.source)
                } else if let i = pick(candidates) {
                    used.insert(i)
                    let inst = InstructionView(df: df, i: i)
                    v.status = .moved
                    v.actualLines = inst.lines
                    v.normalisations = viaEllipsis ? [.ellipsis] : normalisations(claim, inst, target.source)
                    v.detail = "in stage \(stageLabel(inst.stageIndex)) at \(describe(inst.lines)), not in the hinted stage \(stageLabel(stage))"
                } else if let (i, similarity) = closest(claim, index: index, df: df, stage: stage,
                                                        near: documented?.first, inScope: inScope,
                                                        threshold: threshold) {
                    let inst = InstructionView(df: df, i: i)
                    v.status = .changed
                    v.actualLines = inst.lines
                    v.actualInstruction = InstructionNormalizer.collapse(inst.original)
                    let old = claim.isImageClaim ? [claim.image ?? ""] : InstructionNormalizer.words(ofKey: claim.key)
                    let new = claim.isImageClaim ? [InstructionNormalizer.image(ofKey: index.keys[i]) ?? ""]
                        : InstructionNormalizer.words(ofKey: index.keys[i])
                    v.diff = WordDiff(from: [claim.keyword.uppercased()] + old, to: [claim.keyword.uppercased()] + new)
                    v.similarity = (similarity * 100).rounded() / 100
                    v.detail = "closest \(claim.keyword.uppercased()) at \(describe(inst.lines)) differs: \(v.diff?.plain ?? "")"
                } else {
                    v.status = .missing
                    v.detail = stage == nil ? "not found" : "not found in stage \(stageLabel(stage))"
                }
            case .absent:
                if let i = pick(scoped) {
                    let inst = InstructionView(df: df, i: i)
                    v.status = .violated
                    v.actualLines = inst.lines
                    v.normalisations = normalisations(claim, inst, target.source)
                    let actual = InstructionNormalizer.collapse(inst.original)
                    if actual != claim.instruction { v.actualInstruction = actual }
                    v.detail = "documented as removed, but present at \(describe(inst.lines))"
                } else {
                    v.status = .holds
                }
            }
            return (v, commentSpan)
        }
        item.verdicts.reserveCapacity(claims.count)
        for k in claims.indices {
            let (v, commentSpan) = judge(claims[k])
            item.verdicts.append(v)
            if let commentSpan {
                // Kept only up to the last claim that has one (most claims have none).
                while item.commentSpans.count < k { item.commentSpans.append(nil) }
                item.commentSpans.append(commentSpan)
            }
        }
    }

    static func closest(_ claim: Claim, index: InstructionIndex, df: Dockerfile, stage: Int?, near: Int?,
                        inScope: (Int) -> Bool, threshold: Double) -> (Int, Double)? {
        if claim.isImageClaim {
            // The hinted stage's FROM, or a FROM of the same repository.
            // (The index keeps each FROM's image words, non-empty exactly for the FROM instructions.)
            let claimed = InstructionNormalizer.imageWords(claim.image ?? "")
            func similarity(_ i: Int) -> Double { WordDiff.similarity(claimed, index.imageWords[i]) }
            if let stage, stage < df.stages.count {
                let i = df.stages[stage].instructionIndices.lowerBound
                if i < index.imageWords.count, !index.imageWords[i].isEmpty {
                    return (i, similarity(i))
                }
            }
            for i in index.instructions(keyword: "from") where inScope(i) {
                if index.imageWords[i].first == claimed.first {
                    return (i, similarity(i))
                }
            }
            return nil
        }
        if claim.keyword == "from", let stage, stage < df.stages.count {
            // A stage's base changed: the hinted stage's FROM is the closest instruction.
            let i = df.stages[stage].instructionIndices.lowerBound
            if i < index.imageWords.count, !index.imageWords[i].isEmpty {
                return (i, WordDiff.similarity(InstructionNormalizer.similarityWords(ofKey: claim.key), index.words[i]))
            }
        }
        if let c = index.closest(to: claim.key, keyword: claim.keyword, threshold: threshold, near: near, allowed: inScope) {
            return (c.index, c.similarity)
        }
        return nil
    }

    /// The physical lines of an instruction in its file (heredoc bodies left out).
    static func physicalLines(of inst: Instruction, in source: SourceText) -> [String] {
        guard inst.heredocs.isEmpty else { return [source.line(inst.lines.first)] }
        return (inst.lines.first...max(inst.lines.first, inst.lines.last)).map { source.line($0) }
    }

    /// The image a `FROM` line names as written: its first word after the keyword that is not a flag
    /// (words split at single spaces).
    static func writtenImage(_ original: String) -> String {
        // ASCII (every real FROM line): characters are bytes, so split the bytes.
        let fast = original.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var i = 0, word = 0
            let n = bytes.count
            while i < n {
                if bytes[i] >= 0x80 { return nil }
                i += 1
            }
            i = 0
            while i < n {
                while i < n, bytes[i] == UInt8(ascii: " ") { i += 1 }
                guard i < n else { break }
                let start = i
                while i < n, bytes[i] != UInt8(ascii: " ") { i += 1 }
                defer { word += 1 }
                if word == 0 { continue }
                if i - start >= 2, bytes[start] == UInt8(ascii: "-"), bytes[start + 1] == UInt8(ascii: "-") { continue }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            }
            return ""
        }
        if let fast, let written = fast { return written }
        return original.split(separator: " ").dropFirst().first { !$0.hasPrefix("--") }.map(String.init) ?? ""
    }

    /// True when the instruction's physical lines (as ``physicalLines(of:in:)`` gives them) have the same bytes as
    /// `lines`; false when they differ or the bytes cannot tell (then compare the strings).
    static func samePhysicalLines(_ span: LineSpan, heredocs: Bool, _ source: SourceText, _ lines: [String]) -> Bool {
        let first = span.first
        let count = heredocs ? 1 : max(first, span.last) - first + 1
        guard count == lines.count, first >= 1, first - 1 + count <= source.lineStarts.count else { return false }
        return source.bytes.withUnsafeBufferPointer { bytes in
            for k in 0..<count {
                let n = first + k
                let start = source.lineStarts[n - 1]
                var end = n < source.lineStarts.count ? source.lineStarts[n] : bytes.count
                if end > start, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let equal = lines[k].utf8.withContiguousStorageIfAvailable { line -> Bool in
                    guard line.count == end - start else { return false }
                    guard let a = line.baseAddress, let b = bytes.baseAddress else { return line.isEmpty }
                    return memcmp(a, b + start, line.count) == 0
                } ?? false
                if !equal { return false }
            }
            return true
        }
    }

    static func normalisations(_ claim: Claim, _ view: InstructionView, _ source: SourceText) -> [Normalisation] {
        // The instruction's fields are read in place (an `Instruction` handed over whole is copied).
        let instructions = view.df.instructions, i = view.i
        var needed: [Normalisation]
        if claim.isImageClaim {
            needed = writtenImage(instructions[i].original) == claim.original ? [] : [.imageReference]
        } else if samePhysicalLines(instructions[i].lines, heredocs: !instructions[i].heredocs.isEmpty, source,
                                    claim.physicalLines) {
            // Identical physical lines need no normalisation (the common case; skips ten key computations).
            needed = []
        } else {
            let target = physicalLines(of: instructions[i], in: source)
            needed = target == claim.physicalLines ? []
                : InstructionNormalizer.normalisationsNeeded(claimLines: claim.physicalLines, targetLines: target)
        }
        if claim.hadAnnotationMarker { needed.append(.annotationMarker) }
        return needed.sorted()
    }

    /// Dockerfile comment lines right above `line` that equal the snippet's comments (matched bottom-up).
    static func matchedComments(_ comments: [String], above line: Int, in source: SourceText) -> LineSpan? {
        guard !comments.isEmpty else { return nil }
        var matched = 0
        var n = line - 1
        var k = comments.count - 1
        while n >= 1, k >= 0 {
            let text = source.line(n).trimmedSpaces
            guard text.hasPrefix("#"), ClaimExtractor.normaliseComment(text) == comments[k] else { break }
            matched += 1
            n -= 1
            k -= 1
        }
        return matched == 0 ? nil : LineSpan(first: line - matched, last: line - 1)
    }

    static func unionOf(_ spans: [LineSpan]) -> LineSpan? {
        guard var out = spans.first else { return nil }
        for s in spans.dropFirst() { out = out.union(s) }
        return out
    }

    static func describe(_ span: LineSpan) -> String {
        span.isSingleLine ? "line \(span.first)" : "lines \(span.first)-\(span.last)"
    }

    // MARK: - Supersession

    /// A record's place in the order of records, with its date as a rank among the log's dates: comparing two
    /// ranks gives what comparing the two dates gives, without comparing strings.
    struct SiteOrder {
        var number: Int?
        var date: Int?
        var position: Int

        /// As ``RecordOrder/isEarlier(than:)``.
        @inline(__always)
        func isEarlier(than other: SiteOrder) -> Bool {
            if let a = date, let b = other.date, a != b { return a < b }
            if let a = number, let b = other.number, a != b { return a < b }
            return false
        }
    }

    /// Which claims later records supersede, in change and claim order: every missing or changed present claim
    /// whose instruction (or image) a later record documents as removed, every violated absent claim whose
    /// instruction (or image) a later record documents as present.
    /// The order of sites when every record is dated and numbered alike: by date then number, by date, by number.
    struct SiteSortKey: Sendable {
        enum Mode: Sendable { case dateThenNumber, date, number }
        var mode: Mode

        @inline(__always)
        func callAsFunction(_ o: SiteOrder) -> (Int, Int) {
            switch mode {
            case .dateThenNumber: (o.date ?? 0, o.number ?? 0)
            case .date: (o.date ?? 0, 0)
            case .number: (0, o.number ?? 0)
            }
        }
    }

    static func supersessions(_ pending: [PendingChange], records: [Record], _ evaluations: [Evaluation],
                              sorted: Bool = true) -> [Supersession] {
        // Only missing or changed present claims and violated absent claims can be superseded; the records
        // documenting an absent claim are needed only for open present claims, and the other way round.
        var presentQuestions = false, absentQuestions = false
        for c in evaluations.indices {
            for k in evaluations[c].verdicts.indices where isQuestion(evaluations[c].keys[k].kind, evaluations[c].verdicts[k].status) {
                if evaluations[c].keys[k].kind == .present { presentQuestions = true } else { absentQuestions = true }
            }
            if presentQuestions && absentQuestions { break }
        }
        guard presentQuestions || absentQuestions else { return [] }
        var ranks: [String: Int] = [:]
        for r in records.indices { if let d = records[r].order.date { ranks[d] = 0 } }
        for (rank, date) in ranks.keys.sorted().enumerated() { ranks[date] = rank }
        var orders: [SiteOrder] = []
        orders.reserveCapacity(records.count)
        var allDated = true, noneDated = true, allNumbered = true, noneNumbered = true
        for r in records.indices {
            let date = records[r].order.date.flatMap { ranks[$0] }, number = records[r].order.number
            orders.append(SiteOrder(number: number, date: date, position: records[r].order.position))
            if date == nil { allDated = false } else { noneDated = false }
            if number == nil { allNumbered = false } else { noneNumbered = false }
        }
        // When every record is dated and numbered alike (both, or only one of the two, for all), "later" is a
        // strict weak order: by date then number, by number, or by date. Then the earliest later site of a
        // list is found by binary search in the list sorted by (that order, position) — what the scan below
        // finds, since among sites of equal order the scan keeps the lowest position.
        let sortMode: SiteSortKey.Mode?
        if !sorted {
            sortMode = nil
        } else if allDated && allNumbered {
            sortMode = .dateThenNumber
        } else if allDated && noneNumbered {
            sortMode = .date
        } else if noneDated && allNumbered {
            sortMode = .number
        } else {
            sortMode = nil
        }
        let sortKey = sortMode.map(SiteSortKey.init)
        let askPresent = presentQuestions, askAbsent = absentQuestions
        // Record indices by claim key or image, in log order: the absent claims' tables and the present claims'
        // tables are built on two cores (each only when some claim asks it).
        typealias Tables = (byKey: [String: [Int]], byImage: [String: [Int]])
        let orderList = orders
        let built = Parallel.map([Claim.Kind.absent, .present], minimumCount: 2) { kind -> Tables in
            var byKey: [String: [Int]] = [:], byImage: [String: [Int]] = [:]
            guard kind == .absent ? askPresent : askAbsent else { return (byKey, byImage) }
            for c in evaluations.indices {
                let site = pending[c].record
                for k in evaluations[c].keys.indices where evaluations[c].keys[k].kind == kind {
                    if !evaluations[c].keys[k].isImageClaim { byKey[evaluations[c].keys[k].key, default: []].append(site) }
                    if let image = evaluations[c].keys[k].image { byImage[image, default: []].append(site) }
                }
            }
            if let sortKey {
                func sortLists(_ table: inout [String: [Int]]) {
                    // Through the values' indices: the lists are sorted in place.
                    var i = table.values.startIndex
                    while i != table.values.endIndex {
                        if table.values[i].count > 1 {
                            table.values[i].sort { a, b in
                                let ka = sortKey(orderList[a]), kb = sortKey(orderList[b])
                                return ka != kb ? ka < kb : orderList[a].position < orderList[b].position
                            }
                        }
                        table.values.formIndex(after: &i)
                    }
                }
                sortLists(&byKey)
                sortLists(&byImage)
            }
            return (byKey, byImage)
        }
        let absentByKey = built[0].byKey, absentByImage = built[0].byImage
        let presentByKey = built[1].byKey, presentByImage = built[1].byImage
        /// The first site of a sorted list whose order is after `key`.
        @Sendable func firstAfter(_ list: [Int], _ key: (Int, Int), _ sortKey: SiteSortKey) -> Int? {
            var lo = 0, hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sortKey(orderList[list[mid]]) > key { hi = mid } else { lo = mid + 1 }
            }
            return lo < list.count ? list[lo] : nil
        }
        /// The earliest site later than `order` (ties by position), over `first` then `second` in that order:
        /// what `(first + second).filter { later }.min { … }` gives, without building the arrays.
        @Sendable func laterSite(_ first: [Int]?, _ second: [Int]?, than order: SiteOrder) -> Int? {
            if let sortKey {
                let key = sortKey(order)
                let a = first.flatMap { firstAfter($0, key, sortKey) }, b = second.flatMap { firstAfter($0, key, sortKey) }
                guard let a, let b else { return a ?? b }
                let ka = sortKey(orderList[a]), kb = sortKey(orderList[b])
                if ka != kb { return ka < kb ? a : b }
                return orderList[b].position < orderList[a].position ? b : a
            }
            var best: Int? = nil
            func consider(_ list: [Int]) {
                for s in list where order.isEarlier(than: orderList[s]) {
                    guard let b = best else { best = s; continue }
                    let before: Bool
                    if orderList[b].isEarlier(than: orderList[s]) { before = false }
                    else if orderList[s].isEarlier(than: orderList[b]) { before = true }
                    else { before = orderList[s].position < orderList[b].position }
                    if before { best = s }
                }
            }
            if let first { consider(first) }
            if let second { consider(second) }
            return best
        }
        // Each change's claims are looked up independently: on all cores, joined in change order.
        let perChange = Parallel.map(Array(evaluations.indices), minimumCount: 1024) { c -> [Supersession] in
            var found: [Supersession] = []
            let order = orderList[pending[c].record]
            for k in evaluations[c].verdicts.indices {
                let kind = evaluations[c].keys[k].kind
                let isImageClaim = evaluations[c].keys[k].isImageClaim
                let status = evaluations[c].verdicts[k].status
                var site: Int? = nil
                if kind == .present, status == .missing || status == .changed {
                    let image = evaluations[c].keys[k].image
                    site = laterSite(isImageClaim ? nil : absentByKey[evaluations[c].keys[k].key],
                                     image.flatMap { absentByImage[$0] }, than: order)
                } else if kind == .absent, status == .violated {
                    // A later record's FROM of that image brings it back on purpose.
                    let image = isImageClaim ? evaluations[c].keys[k].image : nil
                    site = laterSite(isImageClaim ? nil : presentByKey[evaluations[c].keys[k].key],
                                     image.flatMap { presentByImage[$0] }, than: order)
                }
                if let site { found.append(Supersession(change: c, claim: k, site: site)) }
            }
            return found
        }
        var found: [Supersession] = []
        for c in perChange.indices { found += perChange[c] }
        return found
    }

    /// A claim superseded by a later record.
    struct Supersession: Sendable, Equatable {
        /// Index of the change (in log order) and of the claim within it.
        var change: Int
        var claim: Int
        /// Position of the record that supersedes it.
        var site: Int
    }

    /// The verdicts of the changes that `supersessions` touch, superseded: by change index.
    static func applied(_ supersessions: [Supersession], to evaluations: [Evaluation], records: [Record]) -> [Int: [ClaimResult]] {
        var out: [Int: [ClaimResult]] = [:]
        for s in supersessions {
            var verdicts = out[s.change] ?? evaluations[s.change].verdicts
            let status = verdicts[s.claim].status
            if evaluations[s.change].keys[s.claim].kind == .present {
                verdicts[s.claim].detail = "removed by record \(records[s.site].reference.display)"
                    + (status == .changed ? "; " + (verdicts[s.claim].detail ?? "") : "")
            } else {
                verdicts[s.claim].detail = "brought back by record \(records[s.site].reference.display)"
            }
            verdicts[s.claim].status = .superseded
            verdicts[s.claim].supersededBy = records[s.site].reference
            out[s.change] = verdicts
        }
        return out
    }

    // MARK: - Change verdict

    /// The verdict on change `i` (its fields, its evaluation's and its record's read in place).
    static func finish(_ i: Int, _ pending: [PendingChange], _ evaluations: [Evaluation],
                       superseded: [Int: [ClaimResult]], incidents: [Incident], records: [Record]) -> ChangeResult {
        let p = pending[i].record, c = pending[i].index
        let lineRef = incidents[p].changes[c].lineRef
        var status: CheckStatus = .unchecked
        var actual: LineSpan? = nil
        var suggestion: String? = nil
        var supersededBy: RecordReference? = nil
        var diagnostics = pending[i].isDockerfileCode ? evaluations[i].diagnostics : (pending[i].note.map { [$0] } ?? [])
        let claims = superseded.isEmpty ? evaluations[i].verdicts : superseded[i] ?? evaluations[i].verdicts
        if let error = pending[i].error {
            status = .error
            diagnostics.append(error)
            // `unchecked` verdicts with the reason, made with the claims.
        } else if !claims.isEmpty {
            // One pass over the verdicts, each read in place: the worst status, the first superseded claim,
            // the present claims and the union of their matched lines.
            var worst = claims[0].status
            var superseded: Int? = nil
            var anyPresent = false
            var allHoldOrMoved = true
            for k in claims.indices {
                let s = claims[k].status
                if s.severity > worst.severity { worst = s }
                if superseded == nil, s == .superseded { superseded = k }
                guard claims[k].kind == .present else { continue }
                anyPresent = true
                if s == .holds || s == .moved || s == .changed, let span = claims[k].actualLines {
                    actual = actual.map { $0.union(span) } ?? span
                }
                if s != .holds && s != .moved { allHoldOrMoved = false }
            }
            status = worst
            supersededBy = superseded.flatMap { claims[$0].supersededBy }
            if let lineRef, status == .moved, anyPresent, allHoldOrMoved, let span = actual {
                if lineRef.span.contains(span) {
                    suggestion = lineRef.text
                } else {
                    var withComments = span
                    for k in claims.indices where claims[k].kind == .present && k < evaluations[i].commentSpans.count {
                        if let span = evaluations[i].commentSpans[k] { withComments = withComments.union(span) }
                    }
                    let include = withComments != span && lineRef.span.count >= withComments.count
                    suggestion = LineReferenceFormatter.format(include ? withComments : span, likeOriginal: lineRef.text)
                }
            } else if let lineRef, status == .holds {
                suggestion = lineRef.text
            }
        }
        let stage = pending[i].stage
        let stageName: String? = stage.flatMap { s in
            guard let stages = pending[i].target?.dockerfile.stages, s < stages.count else { return nil }
            return stages[s].name
        }
        let file = incidents[p].changes[c].file
        return ChangeResult(
            incident: records[p].reference.incident, record: records[p].order.position, title: records[p].reference.title,
            date: records[p].reference.date, change: c, label: incidents[p].changes[c].label,
            file: pending[i].target?.target.display ?? file, fileAsWritten: file, status: status,
            documentedLines: lineRef?.span, actualLines: actual, lineRef: lineRef?.text,
            lineRefRange: lineRef?.range, suggestedLineRef: suggestion, supersededBy: supersededBy,
            stageHint: incidents[p].changes[c].stage, stage: stage, stageName: stageName,
            logRange: incidents[p].changes[c].range, claims: claims, diagnostics: diagnostics)
    }
}
