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
        let resolver = TargetResolver(root: root ?? TargetResolver.defaultRoot(forLog: logPath), logPath: logPath)
        let shownLog = logDisplayPath ?? logPath
        var targets: [String: Result<LoadedTarget, TargetError>] = [:]
        var overrideTarget: Result<LoadedTarget, TargetError>? = nil
        var resolutions: [String: Result<TargetResolver.Target, TargetError>] = [:]
        var diagnostics: [Diagnostic] = []
        var stages: [StageKey: Int?] = [:]

        func load(_ target: TargetResolver.Target) -> Result<LoadedTarget, TargetError> {
            if let cached = targets[target.path] { return cached }
            let result = LoadedTarget.load(target)
            if case .failure(let e) = result { diagnostics.append(e.diagnostic) }
            if case .success(let t) = result { diagnostics += t.warnings }
            targets[target.path] = result
            return result
        }

        // Pass 1: claims and their verdicts, without supersession.
        var pending: [PendingChange] = []
        for (position, incident) in log.incidents.enumerated() {
            let order = RecordOrder(number: incident.number, date: incident.date, position: position)
            let reference = RecordReference(incident: incident.number, title: incident.title, date: incident.date,
                                            position: position)
            for (index, change) in incident.changes.enumerated() {
                var item = PendingChange(order: order, reference: reference, index: index, change: change)
                guard isDockerfileChange(change) else {
                    let what = change.file.map { "'\($0)'" } ?? (change.language.map { "a '\($0)' block" } ?? "this block")
                    item.diagnostics.append(.note(.snippetNotDockerfile, "\(what) is not Dockerfile code; not checked",
                                                  file: shownLog, range: change.range))
                    pending.append(item)
                    continue
                }
                let extracted = ClaimExtractor.claims(for: change, logPath: shownLog)
                item.claims = extracted.claims
                item.diagnostics += extracted.diagnostics
                diagnostics += extracted.diagnostics
                let resolved: Result<LoadedTarget, TargetError>
                if let dockerfileOverride {
                    if overrideTarget == nil {
                        let path = TargetResolver.canonical(dockerfileOverride)
                        let shown = resolver.isInsideRoot(path) ? resolver.display(path) : dockerfileOverride
                        overrideTarget = load(TargetResolver.Target(path: path, display: shown))
                    }
                    resolved = overrideTarget ?? .failure(TargetError(diagnostic: .error(.fileNotFound, "no Dockerfile")))
                } else {
                    let name = change.file ?? ""
                    let resolution = resolutions[name] ?? resolver.resolve(change.file)
                    resolutions[name] = resolution
                    switch resolution {
                    case .success(let t): resolved = load(t)
                    case .failure(var e):
                        // Located at this change's reference (or block) in the log.
                        e.diagnostic.file = shownLog
                        e.diagnostic.range = change.lineRef?.range ?? change.range
                        diagnostics.append(e.diagnostic)
                        resolved = .failure(e)
                    }
                }
                switch resolved {
                case .failure(let e):
                    item.error = e.diagnostic
                case .success(let target):
                    item.target = target
                    // The same hint names the same stage of the same file: resolve it once.
                    let hintKey = StageKey(path: target.target.path, hint: change.stage)
                    let stage: Int?
                    if let cached = stages[hintKey] { stage = cached } else {
                        stage = StageResolver.resolve(change.stage, in: target.dockerfile.stages)
                        stages[hintKey] = .some(stage)
                    }
                    evaluate(&item, in: target, stage: stage, threshold: similarityThreshold, logPath: shownLog)
                    if let d = item.stageNote { diagnostics.append(d) }
                }
                pending.append(item)
            }
        }

        // Pass 2: supersession by later records.
        applySupersession(&pending)

        let results = pending.map { finish($0) }
        for r in results where r.needsLineRefFix {
            if let range = r.lineRefRange, let lineRef = r.lineRef, let suggestion = r.suggestedLineRef {
                diagnostics.append(.warning(.lineRefStale,
                    "'\(lineRef)' no longer covers the documented instructions; they are at '\(suggestion)' in '\(r.file ?? "Dockerfile")'",
                    file: shownLog, range: range))
            }
        }
        return CheckReport(log: shownLog, root: resolver.root, results: results, diagnostics: diagnostics)
    }

    /// Whether a change documents Dockerfile code: a `dockerfile` fence (or a diff/unlabelled block) aimed
    /// at no file, at a file named like a Dockerfile, or at a file without an extension.
    public static func isDockerfileChange(_ change: DocumentedChange) -> Bool {
        let fileName = ((change.file ?? "") as NSString).lastPathComponent.lowercased()
        let language = (change.language ?? "").lowercased()
        if ["dockerfile", "docker", "containerfile"].contains(language) { return true }
        guard language.isEmpty || language == "diff" || change.languageGuessed else { return false }
        if fileName.isEmpty || fileName.contains("dockerfile") || fileName.contains("containerfile") { return true }
        return !fileName.contains(".")
    }

    // MARK: - Internals

    struct StageKey: Hashable {
        var path: String
        var hint: String?
    }

    struct RecordOrder: Hashable {
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

    struct LoadedTarget {
        var target: TargetResolver.Target
        var source: SourceText
        var dockerfile: Dockerfile
        var index: InstructionIndex
        var warnings: [Diagnostic]

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

    struct PendingChange {
        var order: RecordOrder
        var reference: RecordReference
        var index: Int
        var change: DocumentedChange
        var claims: [Claim] = []
        var verdicts: [ClaimResult] = []
        /// Matched Dockerfile comment lines above each present claim's instruction.
        var commentSpans: [LineSpan?] = []
        var target: LoadedTarget? = nil
        var error: Diagnostic? = nil
        var stage: Int? = nil
        var stageNote: Diagnostic? = nil
        var diagnostics: [Diagnostic] = []
    }

    static func evaluate(_ item: inout PendingChange, in target: LoadedTarget, stage: Int?, threshold: Double,
                         logPath: String) {
        let df = target.dockerfile
        let index = target.index
        item.stage = stage
        if stage == nil, let hint = item.change.stage, df.stages.count > 1 {
            item.stageNote = .note(.stageHintUnresolved,
                "stage hint '\(hint)' matches no stage of '\(target.target.display)'; searching the whole file",
                file: logPath, range: item.change.range)
        }
        let documented = item.change.lineRef?.span
        func inScope(_ i: Int) -> Bool { stage == nil || df.instructions[i].stageIndex == stage }
        func stageLabel(_ s: Int?) -> String {
            guard let s, s >= 0, s < df.stages.count else { return "before the first FROM" }
            return df.stages[s].name.map { "'\($0)'" } ?? "\(s)"
        }
        var used = Set<Int>()
        var previousLine = 0
        for claim in item.claims {
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
            let scoped = candidates.filter(inScope)
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
                    let inst = df.instructions[i]
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
                    let inst = df.instructions[i]
                    v.status = .moved
                    v.actualLines = inst.lines
                    v.normalisations = viaEllipsis ? [.ellipsis] : normalisations(claim, inst, target.source)
                    v.detail = "in stage \(stageLabel(inst.stageIndex)) at \(describe(inst.lines)), not in the hinted stage \(stageLabel(stage))"
                } else if let (i, similarity) = closest(claim, index: index, df: df, stage: stage,
                                                        near: documented?.first, inScope: inScope,
                                                        threshold: threshold) {
                    let inst = df.instructions[i]
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
                    let inst = df.instructions[i]
                    v.status = .violated
                    v.actualLines = inst.lines
                    v.normalisations = normalisations(claim, inst, target.source)
                    if InstructionNormalizer.collapse(inst.original) != claim.instruction {
                        v.actualInstruction = InstructionNormalizer.collapse(inst.original)
                    }
                    v.detail = "documented as removed, but present at \(describe(inst.lines))"
                } else {
                    v.status = .holds
                }
            }
            item.verdicts.append(v)
            item.commentSpans.append(commentSpan)
        }
    }

    static func closest(_ claim: Claim, index: InstructionIndex, df: Dockerfile, stage: Int?, near: Int?,
                        inScope: (Int) -> Bool, threshold: Double) -> (Int, Double)? {
        if claim.isImageClaim {
            // The hinted stage's FROM, or a FROM of the same repository.
            let claimed = InstructionNormalizer.imageWords(claim.image ?? "")
            func similarity(_ i: Int) -> Double {
                WordDiff.similarity(claimed, InstructionNormalizer.imageWords(InstructionNormalizer.image(ofKey: index.keys[i]) ?? ""))
            }
            if let stage, stage < df.stages.count {
                let i = df.stages[stage].instructionIndices.lowerBound
                if i < df.instructions.count, df.instructions[i].command == "from" {
                    return (i, similarity(i))
                }
            }
            for i in index.instructions(keyword: "from") where inScope(i) {
                if InstructionNormalizer.imageWords(InstructionNormalizer.image(ofKey: index.keys[i]) ?? "").first == claimed.first {
                    return (i, similarity(i))
                }
            }
            return nil
        }
        if claim.keyword == "from", let stage, stage < df.stages.count {
            // A stage's base changed: the hinted stage's FROM is the closest instruction.
            let i = df.stages[stage].instructionIndices.lowerBound
            if i < df.instructions.count, df.instructions[i].command == "from" {
                return (i, WordDiff.similarity(InstructionNormalizer.similarityWords(ofKey: claim.key),
                                               InstructionNormalizer.similarityWords(ofKey: index.keys[i])))
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

    static func normalisations(_ claim: Claim, _ inst: Instruction, _ source: SourceText) -> [Normalisation] {
        var needed: [Normalisation]
        if claim.isImageClaim {
            let written = inst.original.split(separator: " ").dropFirst()
                .first { !$0.hasPrefix("--") }.map(String.init) ?? ""
            needed = written == claim.original ? [] : [.imageReference]
        } else {
            let target = physicalLines(of: inst, in: source)
            // Identical physical lines need no normalisation (the common case; skips ten key computations).
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

    struct ClaimSite {
        var change: Int
        var order: RecordOrder
        var reference: RecordReference
    }

    static func applySupersession(_ pending: inout [PendingChange]) {
        var absentByKey: [String: [ClaimSite]] = [:], absentByImage: [String: [ClaimSite]] = [:]
        var presentByKey: [String: [ClaimSite]] = [:], presentByImage: [String: [ClaimSite]] = [:]
        for (c, item) in pending.enumerated() {
            let site = ClaimSite(change: c, order: item.order, reference: item.reference)
            for claim in item.claims {
                switch claim.kind {
                case .absent:
                    if !claim.isImageClaim { absentByKey[claim.key, default: []].append(site) }
                    if let image = claim.image { absentByImage[image, default: []].append(site) }
                case .present:
                    if !claim.isImageClaim { presentByKey[claim.key, default: []].append(site) }
                    if let image = claim.image { presentByImage[image, default: []].append(site) }
                }
            }
        }
        func laterSite(_ sites: [ClaimSite], than order: RecordOrder) -> ClaimSite? {
            sites.filter { order.isEarlier(than: $0.order) }.min { a, b in
                if b.order.isEarlier(than: a.order) { return false }
                if a.order.isEarlier(than: b.order) { return true }
                return a.order.position < b.order.position
            }
        }
        for c in pending.indices {
            let order = pending[c].order
            for k in pending[c].verdicts.indices {
                let claim = pending[c].claims[k]
                let status = pending[c].verdicts[k].status
                var site: ClaimSite? = nil
                if claim.kind == .present, status == .missing || status == .changed {
                    var sites = claim.isImageClaim ? [] : (absentByKey[claim.key] ?? [])
                    if let image = claim.image { sites += absentByImage[image] ?? [] }
                    site = laterSite(sites, than: order)
                    if let s = site {
                        pending[c].verdicts[k].detail = "removed by record \(s.reference.display)"
                            + (status == .changed ? "; " + (pending[c].verdicts[k].detail ?? "") : "")
                    }
                } else if claim.kind == .absent, status == .violated {
                    var sites = claim.isImageClaim ? [] : (presentByKey[claim.key] ?? [])
                    // A later record's FROM of that image brings it back on purpose.
                    if claim.isImageClaim, let image = claim.image { sites += presentByImage[image] ?? [] }
                    site = laterSite(sites, than: order)
                    if let s = site {
                        pending[c].verdicts[k].detail = "brought back by record \(s.reference.display)"
                    }
                }
                if let site {
                    pending[c].verdicts[k].status = .superseded
                    pending[c].verdicts[k].supersededBy = site.reference
                }
            }
        }
    }

    // MARK: - Change verdict

    static func finish(_ item: PendingChange) -> ChangeResult {
        let change = item.change
        var status: CheckStatus = .unchecked
        var actual: LineSpan? = nil
        var suggestion: String? = nil
        var supersededBy: RecordReference? = nil
        var diagnostics = item.diagnostics
        var claims = item.verdicts
        if let error = item.error {
            status = .error
            diagnostics.append(error)
            claims = item.claims.map {
                ClaimResult(kind: $0.kind, origin: $0.origin, instruction: $0.instruction, status: .unchecked,
                            detail: error.message, logLines: $0.logLines)
            }
        } else if !claims.isEmpty {
            status = claims.map(\.status).max { $0.severity < $1.severity } ?? .holds
            supersededBy = claims.first { $0.status == .superseded }?.supersededBy
            let present = claims.indices.filter { claims[$0].kind == .present }
            let spans = present.compactMap { i -> LineSpan? in
                [.holds, .moved, .changed].contains(claims[i].status) ? claims[i].actualLines : nil
            }
            actual = unionOf(spans)
            if let lineRef = change.lineRef, status == .moved, !present.isEmpty,
               present.allSatisfy({ [.holds, .moved].contains(claims[$0].status) }), let span = actual {
                if lineRef.span.contains(span) {
                    suggestion = lineRef.text
                } else {
                    var withComments = span
                    for i in present { if let c = item.commentSpans[i] { withComments = withComments.union(c) } }
                    let include = withComments != span && lineRef.span.count >= withComments.count
                    suggestion = LineReferenceFormatter.format(include ? withComments : span, likeOriginal: lineRef.text)
                }
            } else if let lineRef = change.lineRef, status == .holds {
                suggestion = lineRef.text
            }
        }
        let stageName: String? = item.stage.flatMap { s in
            guard let df = item.target?.dockerfile, s < df.stages.count else { return nil }
            return df.stages[s].name
        }
        return ChangeResult(
            incident: item.reference.incident, record: item.order.position, title: item.reference.title,
            date: item.reference.date, change: item.index, label: change.label,
            file: item.target?.target.display ?? change.file, fileAsWritten: change.file, status: status,
            documentedLines: change.lineRef?.span, actualLines: actual, lineRef: change.lineRef?.text,
            lineRefRange: change.lineRef?.range, suggestedLineRef: suggestion, supersededBy: supersededBy,
            stageHint: change.stage, stage: item.stage, stageName: stageName, logRange: change.range,
            claims: claims, diagnostics: diagnostics)
    }
}
