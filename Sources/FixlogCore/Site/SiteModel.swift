import Foundation

/// The site's structure, computed once from the inputs: page paths, record order, verdicts, and which
/// Dockerfile lines each record documents. Pure: no clock, no file system.
struct SiteModel: Sendable {
    /// A change spanning at most this many Dockerfile lines is shown and marked as one block; a longer span
    /// (claims far apart) is shown and marked claim by claim.
    static let compactSpan = 60

    struct Record: Sendable {
        var position: Int
        var incident: Incident
        /// `records/fix-5.html`
        var path: String
        var numberLabel: String
        var changes: [ChangeResult]
        var check: BadgeVM
        var verify: BadgeVM
        var steps: [StepResult?]
    }

    var siteTitle: String
    var records: [Record]
    /// Positions, newest first.
    var newestFirst: [Int]
    /// Position → index in `newestFirst`.
    var rank: [Int: Int]
    /// Position → positions of the records it supersedes (some change of theirs names it).
    var supersedes: [Int: Set<Int>]
    /// Position → positions of the records that supersede it.
    var supersededBy: [Int: Set<Int>]
    /// Dockerfile path → page path.
    var dockerfilePages: [String: String]
    var dockerfiles: [SiteDockerfile]
    /// Dockerfile path → its physical lines.
    var dockerfileLines: [String: [String]]
    /// Dockerfile path → line → records (positions) documenting it, with the worst status.
    var documented: [String: [Int: (records: [Int], status: CheckStatus)]]

    static func build(_ input: SiteInput) -> SiteModel {
        let incidents = input.log.incidents
        var numberCounts: [Int: Int] = [:]
        for i in incidents { if let n = i.number { numberCounts[n, default: 0] += 1 } }
        var byRecord: [Int: [ChangeResult]] = [:]
        for r in input.report.results { byRecord[r.record, default: []].append(r) }
        var stepIndex: [String: StepResult] = [:]
        for s in input.results?.steps ?? [] { stepIndex["\(s.record).\(s.step)"] = s }

        var records: [Record] = []
        for (position, incident) in incidents.enumerated() {
            let slug: String
            if let n = incident.number, numberCounts[n] == 1, n >= 0 { slug = "fix-\(n)" } else { slug = "record-\(position + 1)" }
            let changes = (byRecord[position] ?? []).sorted { $0.change < $1.change }
            let steps = incident.verifications.indices.map { stepIndex["\(position + 1).\($0 + 1)"] }
            records.append(Record(
                position: position, incident: incident, path: "records/\(slug).html",
                numberLabel: incident.number.map { "#\($0)" } ?? "—",
                changes: changes, check: checkBadge(changes), verify: verifyBadge(stepCount: incident.verifications.count, results: steps),
                steps: steps))
        }
        // Sort keys taken once (comparing through the records would copy an incident per comparison).
        let keys = incidents.map { ($0.date ?? "", $0.number ?? Int.min) }
        let newestFirst = records.indices.sorted { a, b in
            (keys[a].0, keys[a].1, a) > (keys[b].0, keys[b].1, b)
        }

        var pages: [String: String] = [:]
        var used = Set<String>()
        for d in input.dockerfiles.sorted(by: { $0.path < $1.path }) {
            var base = SiteHTML.slug(d.path)
            if base.isEmpty { base = "dockerfile" }
            var name = base
            var k = 2
            while used.contains(name.lowercased()) { name = "\(base)-\(k)"; k += 1 }
            used.insert(name.lowercased())
            pages[d.path] = "dockerfiles/\(name).html"
        }

        var documented: [String: [Int: (records: [Int], status: CheckStatus)]] = [:]
        for record in records where !record.changes.isEmpty {
            for change in record.changes {
                guard let file = change.file, pages[file] != nil else { continue }
                // The change's span when it is compact; otherwise only the lines its claims matched (a span from a
                // FROM at the top to a RUN at the bottom would mark most of the file for one change).
                var spans: [(LineSpan, CheckStatus)] = []
                for claim in change.claims { if let span = claim.actualLines { spans.append((span, claim.status)) } }
                if let span = change.actualLines, span.count <= Self.compactSpan || spans.isEmpty {
                    spans.append((span, change.status))
                }
                for (span, status) in spans where span.first >= 1 && span.count <= 100_000 {
                    for line in span.first...span.last {
                        var entry = documented[file, default: [:]][line] ?? (records: [], status: .unchecked)
                        // Records come in position order: if this one is listed, it is the last entry.
                        if entry.records.last != record.position { entry.records.append(record.position) }
                        if status.severity > entry.status.severity { entry.status = status }
                        documented[file, default: [:]][line] = entry
                    }
                }
            }
        }
        var rank: [Int: Int] = [:]
        for (i, p) in newestFirst.enumerated() { rank[p] = i }
        var supersedes: [Int: Set<Int>] = [:], supersededBy: [Int: Set<Int>] = [:]
        for record in records {
            for c in record.changes {
                let by = ([c.supersededBy] + c.claims.map(\.supersededBy)).compactMap { $0?.position }
                for p in by where p != record.position {
                    supersededBy[record.position, default: []].insert(p)
                    supersedes[p, default: []].insert(record.position)
                }
            }
        }
        let title = input.options.title ?? input.log.preamble.title ?? "Fix log"
        return SiteModel(siteTitle: title, records: records, newestFirst: newestFirst, rank: rank, supersedes: supersedes,
                         supersededBy: supersededBy, dockerfilePages: pages,
                         dockerfiles: input.dockerfiles.sorted { $0.path < $1.path },
                         dockerfileLines: Dictionary(input.dockerfiles.map { ($0.path, SiteHTML.lines($0.text)) }, uniquingKeysWith: { a, _ in a }),
                         documented: documented)
    }

    static func label(_ status: CheckStatus) -> String {
        switch status {
        case .holds: "holds"
        case .superseded: "superseded"
        case .moved: "moved"
        case .changed: "changed"
        case .missing: "missing"
        case .violated: "violated"
        case .error: "error"
        case .unchecked: "unchecked"
        }
    }

    static func badge(_ status: CheckStatus) -> BadgeVM {
        let titles: [CheckStatus: String] = [
            .holds: "The Dockerfile still carries what the record documents",
            .superseded: "A later record replaced this on purpose",
            .moved: "Present, but not where the record says",
            .changed: "The Dockerfile differs from what the record documents",
            .missing: "Not in the Dockerfile any more",
            .violated: "Something the record removed is back",
            .error: "Could not be checked",
            .unchecked: "Nothing to check against the Dockerfile",
        ]
        return BadgeVM(badgeKind: "check", badgeStatus: status.rawValue, badgeLabel: label(status), badgeTitle: titles[status] ?? "")
    }

    static func checkBadge(_ changes: [ChangeResult]) -> BadgeVM {
        let checked = changes.filter { $0.status != .unchecked }
        guard let worst = checked.max(by: { $0.status.severity < $1.status.severity }) else {
            return BadgeVM(badgeKind: "check", badgeStatus: "none", badgeLabel: "no claims",
                           badgeTitle: "The record documents no Dockerfile change")
        }
        return badge(worst.status)
    }

    static func stepSeverity(_ s: StepStatus) -> Int {
        switch s {
        case .passed, .cached: 0
        case .skipped: 1
        case .failed: 2
        case .timedOut: 3
        case .error: 4
        }
    }

    static func stepBadge(_ s: StepStatus?) -> BadgeVM {
        guard let s else {
            return BadgeVM(badgeKind: "verify", badgeStatus: "notrun", badgeLabel: "not run", badgeTitle: "No result for this step")
        }
        let label: String = switch s {
        case .passed: "passed"
        case .cached: "passed (cached)"
        case .skipped: "skipped"
        case .failed: "failed"
        case .timedOut: "timed out"
        case .error: "error"
        }
        let status = s == .cached ? "passed" : s.rawValue
        return BadgeVM(badgeKind: "verify", badgeStatus: status, badgeLabel: label, badgeTitle: "Verification step \(label)")
    }

    static func verifyBadge(stepCount: Int, results: [StepResult?]) -> BadgeVM {
        if stepCount == 0 {
            return BadgeVM(badgeKind: "verify", badgeStatus: "none", badgeLabel: "no steps", badgeTitle: "The record has no verification steps")
        }
        let present = results.compactMap { $0 }
        if present.isEmpty {
            return BadgeVM(badgeKind: "verify", badgeStatus: "notrun", badgeLabel: "not run", badgeTitle: "No verification results")
        }
        guard let worst = present.max(by: { stepSeverity($0.status) < stepSeverity($1.status) }) else { return stepBadge(nil) }
        var b = stepBadge(worst.status)
        if worst.status == .passed || worst.status == .cached {
            b.badgeLabel = present.count == stepCount ? "verified" : "partly verified"
            b.badgeStatus = present.count == stepCount ? "passed" : "notrun"
        }
        b.badgeTitle = "\(present.count) of \(stepCount) steps have results"
        return b
    }
}
