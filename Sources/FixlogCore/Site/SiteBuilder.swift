import Foundation
import Mustache

/// Builds the static incident site: `loadTemplates → buildModel → renderIndex → renderRecords →
/// renderDockerfiles → renderTimeline → writeSearchIndex → copyAssets`, then `install` moves it into place.
///
/// ``render(_:templates:)`` is pure: the same input and templates give the same bytes (no clock, no
/// file system). ``build(_:templates:destination:)`` writes them into a temporary directory beside the
/// destination and swaps it in, so a failed build leaves the previous site untouched.
public enum SiteBuilder {
    /// Renders every file of the site: relative path → bytes.
    ///
    /// The list of pages is fixed first; every page is then rendered on any core into its own slot and the
    /// slots are read in order, so the bytes never depend on scheduling, and the first failure reported is
    /// the first in page order.
    public static func render(_ input: SiteInput, templates: SiteTemplates) throws(SiteBuildError) -> [String: [UInt8]] {
        let files = LockedFiles()
        try renderPages(input, templates: templates) { path, bytes in files.set(path, bytes) }
        return files.all
    }

    /// Renders every file of the site and hands each to `emit` as soon as it is rendered (from any thread,
    /// in no particular order); throws the first failure in build-step order after every page was tried.
    static func renderPages(_ input: SiteInput, templates: SiteTemplates,
                            emit: @escaping @Sendable (String, [UInt8]) -> Void) throws(SiteBuildError) {
        let model = SiteModel.build(input)
        let base = RenderContext(input: input, model: model, templates: templates, rows: [])
        // The index and the timeline list the same rows (each summary rendered by cmark once).
        let rows = Parallel.map(Array(model.records.indices)) { i in base.row(base.model.records[i], root: "") }
        let context = RenderContext(input: input, model: model, templates: templates, rows: rows)

        enum Job { case index, timeline, search, record(Int), dockerfile(Int) }
        // Large single pages first, so that they overlap with the record pages.
        let jobs: [Job] = [.index, .timeline, .search] + model.dockerfiles.indices.map(Job.dockerfile)
            + model.records.indices.map(Job.record)
        let pages = ParallelSlots<Result<[(String, [UInt8])], SiteBuildError>>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { k in
            let result = Result { () throws(SiteBuildError) -> [(String, [UInt8])] in
                switch jobs[k] {
                case .index:
                    return [("index.html", try context.page(.index, step: .renderIndex, path: "index.html", root: "",
                                                            title: "Records", nav: .index, body: context.indexVM()))]
                case .timeline:
                    return [("timeline.html", try context.page(.timeline, step: .renderTimeline, path: "timeline.html", root: "",
                                                               title: "Timeline", nav: .timeline, body: context.timelineVM()))]
                case .search:
                    let (json, script) = try context.searchIndex()
                    return [("search-index.json", json), ("assets/search-index.js", script)]
                case .dockerfile(let d):
                    let dockerfile = context.model.dockerfiles[d]
                    guard let path = context.model.dockerfilePages[dockerfile.path] else { return [] }
                    return [(path, try context.page(.dockerfile, step: .renderDockerfiles, path: path, root: "../",
                                                    title: dockerfile.path, nav: nil, body: context.dockerfileVM(dockerfile)))]
                case .record(let i):
                    let record = context.model.records[i]
                    return [(record.path, try context.page(.record, step: .renderRecords, path: record.path, root: "../",
                                                           title: "\(record.numberLabel) \(record.incident.title)", nav: nil,
                                                           body: context.recordVM(record)))]
                }
            }
            switch result {
            case .success(let produced):
                for (path, bytes) in produced { emit(path, bytes) }
                pages[k] = .success([])
            case .failure:
                pages[k] = result
            }
        }
        // Failures in build-step order (index, records, Dockerfiles, timeline, search index), then page order.
        let stepOrder: [SiteBuildStep] = [.renderIndex, .renderRecords, .renderDockerfiles, .renderTimeline, .writeSearchIndex]
        var firstError: (rank: Int, position: Int, error: SiteBuildError)?
        for k in jobs.indices {
            switch pages[k] {
            case .success?:
                break
            case .failure(let error)?:
                let rank = stepOrder.firstIndex(of: error.step) ?? stepOrder.count
                if firstError.map({ (rank, k) < ($0.rank, $0.position) }) ?? true { firstError = (rank, k, error) }
            case nil:
                throw SiteBuildError(step: .renderRecords, path: "page \(k)", message: "page was not rendered")
            }
        }
        if let firstError { throw firstError.error }
        for asset in SiteAsset.allCases {
            guard let bytes = templates.assets[asset.rawValue] else {
                throw SiteBuildError(step: .copyAssets, path: "assets/" + asset.rawValue, message: "asset not loaded",
                                     id: .siteTemplateMissing)
            }
            emit("assets/" + asset.rawValue, bytes)
        }
    }

    /// Renders the site and installs it at `destination` (see ``install(_:at:)``). Pages are written into the
    /// temporary directory while the others are still being rendered.
    public static func build(_ input: SiteInput, templates: SiteTemplates, destination: String) throws(SiteBuildError) {
        try install(at: destination) { emit throws(SiteBuildError) in
            try renderPages(input, templates: templates, emit: emit)
        }
    }

    /// Name of the marker file that identifies a directory as a fixlog site (so it may be replaced).
    public static let marker = ".fixlog-site"

    /// Writes `files` into a new temporary directory beside `destination`, then moves it into place.
    /// An existing destination is replaced only when it is empty or a previous fixlog site (it has the
    /// ``marker`` file); on any failure the temporary directory is removed and the destination is untouched.
    public static func install(_ files: [String: [UInt8]], at destination: String) throws(SiteBuildError) {
        try install(at: destination) { emit in
            for path in files.keys.sorted() { if let bytes = files[path] { emit(path, bytes) } }
        }
    }

    /// ``install(_:at:)`` for files produced by `produce`, which hands each to its argument (from any thread).
    /// They are written one after another on a writer queue while `produce` runs; the directory is swapped
    /// in only when `produce` returned and every file was written.
    static func install(at destination: String,
                        produce: (@escaping @Sendable (String, [UInt8]) -> Void) throws(SiteBuildError) -> Void) throws(SiteBuildError) {
        let fm = FileManager.default
        let dest = URL(fileURLWithPath: destination).standardizedFileURL
        let parent = dest.deletingLastPathComponent()
        let name = dest.lastPathComponent
        do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw SiteBuildError(step: .install, path: parent.path, message: "cannot create directory: \(error.localizedDescription)")
        }
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: dest.path, isDirectory: &isDirectory)
        if exists {
            guard isDirectory.boolValue else {
                throw SiteBuildError(step: .install, path: dest.path, message: "exists and is not a directory")
            }
            let entries = (try? fm.contentsOfDirectory(atPath: dest.path)) ?? []
            guard entries.isEmpty || entries.contains(marker) else {
                throw SiteBuildError(step: .install, path: dest.path,
                                     message: "exists and is not a fixlog site (no \(marker) file); refusing to replace it")
            }
        }
        let token = UUID().uuidString
        let temporary = parent.appendingPathComponent(".\(name).tmp-\(token)")
        let old = parent.appendingPathComponent(".\(name).old-\(token)")
        do {
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
            let writer = SiteWriter(root: temporary.path)
            let queue = DispatchQueue(label: "fixlog.site.writer")
            var produced: SiteBuildError?
            do {
                try produce { path, bytes in queue.async { writer.write(path, bytes) } }
            } catch {
                produced = error
            }
            queue.sync {}
            if let produced { throw produced }
            writer.write(marker, Array("This directory is generated by `fixlog site`; it is replaced on every build.\n".utf8))
            if let failure = writer.failure { throw failure }
            if exists { try fm.moveItem(at: dest, to: old) }
            do { try fm.moveItem(at: temporary, to: dest) } catch {
                if exists { try? fm.moveItem(at: old, to: dest) }
                throw error
            }
            if exists { try? fm.removeItem(at: old) }
        } catch let error as SiteBuildError {
            try? fm.removeItem(at: temporary)
            throw error
        } catch {
            try? fm.removeItem(at: temporary)
            throw SiteBuildError(step: .install, path: dest.path, message: error.localizedDescription)
        }
    }
}

/// Writes the files of a site into its temporary directory, one at a time (used only from one serial queue,
/// then read after that queue is drained). Keeps the first failure; later files are skipped after one.
private final class SiteWriter: @unchecked Sendable {
    let root: String
    private var directories = Set<String>()
    private(set) var failure: SiteBuildError?

    init(root: String) { self.root = root }

    func write(_ path: String, _ bytes: [UInt8]) {
        guard failure == nil else { return }
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            failure = SiteBuildError(step: .install, path: path, message: "refusing to write outside the site")
            return
        }
        // Parent directories once each, outermost first.
        var parts = path.split(separator: "/").dropLast()
        var missing: [String] = []
        while !parts.isEmpty {
            let directory = parts.joined(separator: "/")
            if directories.contains(directory) { break }
            missing.append(directory)
            parts = parts.dropLast()
        }
        for directory in missing.reversed() {
            let full = root + "/" + directory
            guard mkdir(full, 0o777) == 0 || errno == EEXIST else {
                failure = SiteBuildError(step: .install, path: full, message: "cannot create directory: \(String(cString: strerror(errno)))")
                return
            }
            directories.insert(directory)
        }
        // Plain writes (no per-file fsync): the directory only becomes visible by the final rename.
        if let problem = writeFile(root + "/" + path, bytes) {
            failure = SiteBuildError(step: .install, path: root + "/" + path, message: "cannot write file: \(problem)")
        }
    }
}

/// Files produced by concurrent workers, by path.
private final class LockedFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: [UInt8]] = [:]
    func set(_ path: String, _ bytes: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        files[path] = bytes
    }
    var all: [String: [UInt8]] {
        lock.lock(); defer { lock.unlock() }
        return files
    }
}

/// Writes bytes to a new file (it must not exist) with one `write` loop and no fsync (Foundation's writers
/// fsync every file, which is slow for thousands of pages; durability comes from the final rename of the
/// whole directory). Returns nil on success, else what went wrong.
private func writeFile(_ path: String, _ bytes: [UInt8]) -> String? {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { return String(cString: strerror(errno)) }
    var problem: String?
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                problem = String(cString: strerror(errno))
                return
            }
            offset += n
        }
    }
    if close(fd) != 0, problem == nil { problem = String(cString: strerror(errno)) }
    return problem
}

/// Renders the pages of one site.
struct RenderContext: Sendable {
    enum Nav { case index, timeline }

    var input: SiteInput
    var model: SiteModel
    var templates: SiteTemplates
    /// Index rows of the records, by position (shared by the index and the timeline).
    var rows: [RecordRowVM]
    /// `<link rel="canonical">` prefix (checked once, not per page).
    let canonicalBase: String?

    init(input: SiteInput, model: SiteModel, templates: SiteTemplates, rows: [RecordRowVM] = []) {
        self.input = input
        self.model = model
        self.templates = templates
        self.rows = rows
        self.canonicalBase = input.options.baseURL.flatMap(SiteHTML.normalisedBaseURL)
    }

    func page(_ template: SiteTemplate, step: SiteBuildStep, path: String, root: String, title: String, nav: Nav?,
              body: any SiteRenderable) throws(SiteBuildError) -> [UInt8] {
        let canonical = canonicalBase.map { $0 + path }
        if let compiled = templates.compiled {
            guard let content = compiled.render(body, template: template.rawValue) else {
                throw SiteBuildError(step: step, path: path, message: "template '\(template.rawValue)' is not loaded",
                                     id: .siteTemplateMissing)
            }
            let layout = LayoutVM(pageTitle: title, siteTitle: model.siteTitle, root: root, canonical: canonical,
                                  content: String(decoding: content, as: UTF8.self), logName: input.logName,
                                  navIndex: nav == .index, navTimeline: nav == .timeline)
            guard let html = compiled.render(layout, template: SiteTemplate.layout.rawValue) else {
                throw SiteBuildError(step: step, path: path, message: "template 'layout' is not loaded", id: .siteTemplateMissing)
            }
            return html
        }
        guard let content = templates.library.render(body, withTemplate: template.rawValue) else {
            throw SiteBuildError(step: step, path: path, message: "template '\(template.rawValue)' is not loaded",
                                 id: .siteTemplateMissing)
        }
        let layout = LayoutVM(pageTitle: title, siteTitle: model.siteTitle, root: root, canonical: canonical,
                              content: content, logName: input.logName, navIndex: nav == .index, navTimeline: nav == .timeline)
        guard let html = templates.library.render(layout, withTemplate: SiteTemplate.layout.rawValue) else {
            throw SiteBuildError(step: step, path: path, message: "template 'layout' is not loaded", id: .siteTemplateMissing)
        }
        return Array(html.utf8)
    }

    // MARK: index

    func row(_ record: SiteModel.Record, root: String) -> RecordRowVM {
        let incident = record.incident
        return RecordRowVM(rowHref: root + record.path, rowNumber: record.numberLabel, rowTitle: incident.title,
                           rowDate: incident.date, rowSummary: incident.summary.map(inlineHTML), rowCheck: record.check, rowVerify: record.verify)
    }

    /// The index row of the record at `position` (precomputed when available).
    func rowVM(_ position: Int) -> RecordRowVM {
        rows.indices.contains(position) ? rows[position] : row(model.records[position], root: "")
    }

    func indexVM() -> IndexVM {
        let rows = model.newestFirst.map { rowVM($0) }
        // One counting pass, reading only the status (no copies of the results).
        var statusCounts: [CheckStatus: Int] = [:]
        let results = input.report.results
        for i in results.indices { statusCounts[results[i].status, default: 0] += 1 }
        var changeTotals: [TotalVM] = []
        for status in CheckStatus.allCases {
            let n = statusCounts[status] ?? 0
            if n > 0 { changeTotals.append(TotalVM(totalLabel: SiteModel.label(status), totalCount: n, totalStatus: status.rawValue)) }
        }
        var stepTotals: [TotalVM] = []
        let allSteps = model.records.flatMap(\.steps)
        let notRun = allSteps.filter { $0 == nil }.count
        for status in StepStatus.allCases {
            let n = allSteps.compactMap { $0 }.filter { $0.status == status }.count
            if n > 0 {
                let b = SiteModel.stepBadge(status)
                stepTotals.append(TotalVM(totalLabel: b.badgeLabel, totalCount: n, totalStatus: b.badgeStatus))
            }
        }
        if notRun > 0 { stepTotals.append(TotalVM(totalLabel: "not run", totalCount: notRun, totalStatus: "notrun")) }

        var filters: [FilterVM] = []
        func addFilters(_ kind: String, _ badges: [BadgeVM]) {
            var seen: [String: (String, Int)] = [:]
            var order: [String] = []
            for b in badges {
                if seen[b.badgeStatus] == nil { order.append(b.badgeStatus); seen[b.badgeStatus] = (b.badgeLabel, 0) }
                seen[b.badgeStatus]?.1 += 1
            }
            for key in order.sorted() {
                if let (label, count) = seen[key] {
                    filters.append(FilterVM(filterKind: kind, filterValue: key, filterLabel: label, filterCount: count))
                }
            }
        }
        addFilters("check", model.records.map(\.check))
        addFilters("verify", model.records.map(\.verify))
        let dockerfileLinks = model.dockerfiles.compactMap { d in
            model.dockerfilePages[d.path].map { LinkVM(linkHref: $0, linkLabel: d.path, linkTitle: "Dockerfile \(d.path)") }
        }
        return IndexVM(records: rows, hasRecords: !rows.isEmpty, recordCount: rows.count, changeTotals: changeTotals,
                       stepTotals: stepTotals, filters: filters, dockerfileLinks: dockerfileLinks, hasDockerfiles: !dockerfileLinks.isEmpty, introHTML: introHTML())
    }

    /// The preamble below the document title, rendered through cmark.
    func introHTML() -> String {
        let range = input.log.preamble.range
        var markdown = input.logText.text(range)
        if input.log.preamble.title != nil {
            // Drop the title line (the site shows it in the header).
            let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
            if let first = lines.firstIndex(where: { $0.hasPrefix("# ") }) {
                markdown = lines[(first + 1)...].joined(separator: "\n")
            }
        }
        return markdownHTML(markdown)
    }

    /// One line of Markdown (a summary) as inline HTML: cmark's output without the paragraph around it.
    func inlineHTML(_ markdown: String) -> String {
        var html = markdownHTML(markdown).trimmingCharacters(in: .whitespacesAndNewlines)
        if html.hasPrefix("<p>"), html.hasSuffix("</p>"), html.components(separatedBy: "<p>").count == 2 {
            html = String(html.dropFirst(3).dropLast(4))
        }
        return html
    }

    func markdownHTML(_ markdown: String) -> String {
        MarkdownDocument.renderHTML(markdown, options: MarkdownOptions(unsafeHTML: input.options.unsafeHTML))
    }

    // MARK: record

    func recordLink(_ position: Int, root: String) -> LinkVM? {
        guard model.records.indices.contains(position) else { return nil }
        let incident = model.records[position].incident
        return LinkVM(linkHref: root + model.records[position].path, linkLabel: "\(model.records[position].numberLabel) \(incident.title)",
                      linkTitle: incident.date ?? incident.title)
    }

    func recordVM(_ record: SiteModel.Record) -> RecordPageVM {
        let incident = record.incident
        // The record's Markdown without its heading line, sliced by source range.
        let bodyStart = incident.heading.range.end > incident.range.start ? incident.heading.range.end : incident.range.start
        let bodyRange = SourceRange(start: min(bodyStart, incident.range.end), end: incident.range.end)
        let body = markdownHTML(input.logText.text(bodyRange))

        let changes = record.changes.map { changeVM($0, record: record) }
        let steps = incident.verifications.enumerated().map { (i, step) in
            stepVM(step, index: i, result: record.steps.indices.contains(i) ? record.steps[i] : nil)
        }
        let supersededBy = model.supersededBy[record.position] ?? []
        let supersedes = model.supersedes[record.position] ?? []
        let byLinks = supersededBy.sorted().compactMap { recordLink($0, root: "../") }
        let supLinks = supersedes.sorted().compactMap { recordLink($0, root: "../") }
        // Previous/next in newest-first order.
        let order = model.newestFirst
        let at = model.rank[record.position]
        let newer = at.flatMap { $0 > 0 ? order[$0 - 1] : nil }
        let older = at.flatMap { $0 + 1 < order.count ? order[$0 + 1] : nil }
        return RecordPageVM(
            number: record.numberLabel, title: incident.title, date: incident.date, status: incident.status,
            group: incident.group, summary: incident.summary, checkBadge: record.check, verifyBadge: record.verify,
            bodyHTML: body, changes: changes, hasChanges: !changes.isEmpty, steps: steps, hasSteps: !steps.isEmpty,
            supersededBy: byLinks, supersedes: supLinks, hasSupersession: !byLinks.isEmpty || !supLinks.isEmpty,
            previous: older.flatMap { recordLink($0, root: "../") }, next: newer.flatMap { recordLink($0, root: "../") },
            logName: input.logName, logLines: "\(incident.range.start.line)–\(max(incident.range.start.line, incident.range.end.line - (incident.range.end.column == 1 ? 1 : 0)))")
    }

    func dockerfileText(_ path: String) -> [String]? {
        model.dockerfileLines[path]
    }

    /// Lines shown at most for a change whose claims matched nothing (its whole span could be the file).
    static let excerptLimit = 200

    func changeVM(_ change: ChangeResult, record: SiteModel.Record) -> ChangeVM {
        let page = change.file.flatMap { model.dockerfilePages[$0] }
        var excerpt: [CodeLineVM] = []
        var caption: String?
        let span = change.actualLines ?? change.documentedLines
        if let page, let file = change.file, let lines = dockerfileText(file), let span, span.first >= 1, span.first <= lines.count {
            // The lines each claim matched, a line of context around each; far-apart claims (a FROM at the top and
            // a RUN thousands of lines below) are shown as separate runs with the lines between left out.
            var marked = Set<Int>()
            var runs: [ClosedRange<Int>] = []
            let compact = span.count <= SiteModel.compactSpan
            for claim in change.claims {
                guard let a = claim.actualLines, a.first >= 1, a.first <= a.last, a.count < 10_000 else { continue }
                for l in a.first...a.last { marked.insert(l) }
                if !compact { runs.append(max(1, a.first - 1)...min(lines.count, a.last + 1)) }
            }
            if runs.isEmpty {
                // A compact span (or no located claim): the span itself, a line of context around it.
                let first = max(1, span.first - 1)
                let last = max(first, min(lines.count, span.last + 1, span.first + Self.excerptLimit))
                runs = [first...last]
                if let a = change.actualLines, a.first >= 1, a.first <= a.last, a.first <= last {
                    for l in a.first...min(a.last, last) { marked.insert(l) }
                }
            }
            runs.sort { $0.lowerBound < $1.lowerBound }
            var merged: [ClosedRange<Int>] = []
            for r in runs {
                // Runs closer than a few lines are joined: a gap row for two lines would be noise.
                if let prev = merged.last, r.lowerBound <= prev.upperBound + 3 {
                    merged[merged.count - 1] = prev.lowerBound...max(prev.upperBound, r.upperBound)
                } else {
                    merged.append(r)
                }
            }
            for (i, r) in merged.enumerated() {
                if i > 0 {
                    let hidden = r.lowerBound - merged[i - 1].upperBound - 1
                    excerpt.append(CodeLineVM(lineNumber: 0, lineAnchor: "", lineHref: "", lineText: "", lineMarked: false,
                                              lineStatus: "", lineRefs: [], lineGap: hidden == 1 ? "1 line" : "\(hidden) lines"))
                }
                for n in r {
                    excerpt.append(CodeLineVM(lineNumber: n, lineAnchor: "", lineHref: "../\(page)#L\(n)", lineText: lines[n - 1],
                                              lineMarked: marked.contains(n), lineStatus: change.status.rawValue, lineRefs: []))
                }
            }
            if let first = merged.first?.lowerBound, let last = merged.last?.upperBound {
                caption = merged.count == 1 ? "\(file), lines \(first)–\(last) as they are now"
                    : "\(file), lines \(first)–\(last) as they are now (\(merged.count) excerpts)"
            }
        }
        let claims = change.claims.map { claim -> ClaimVM in
            var whereLink: LinkVM?
            if let page, let a = claim.actualLines {
                whereLink = LinkVM(linkHref: "../\(page)#L\(a.first)", linkLabel: a.isSingleLine ? "line \(a.first)" : "lines \(a.first)–\(a.last)",
                                   linkTitle: "Show in \(change.file ?? "the Dockerfile")")
            }
            return ClaimVM(claimKind: claim.kind == .present ? "present" : "absent", claimInstruction: claim.instruction,
                           claimBadge: SiteModel.badge(claim.status), claimDetail: claim.detail, claimWhere: whereLink,
                           claimActual: claim.actualInstruction)
        }
        var stale: StaleVM?
        if change.needsLineRefFix, let written = change.lineRef, let correct = change.suggestedLineRef {
            stale = StaleVM(staleWritten: written, staleCorrect: correct)
        }
        let fileLink = page.map { p in
            LinkVM(linkHref: "../\(p)" + (change.actualLines.map { "#L\($0.first)" } ?? ""), linkLabel: change.file ?? p,
                   linkTitle: "Open the Dockerfile")
        }
        let documented = record.incident.changes.indices.contains(change.change) ? record.incident.changes[change.change] : nil
        let role: String? = switch documented?.role {
        case .before?: "before"
        case .diff?: "diff"
        default: nil
        }
        return ChangeVM(
            changeAnchor: "change-\(change.change + 1)", changeLabel: change.label, changeRole: role, changeFile: change.file ?? change.fileAsWritten,
            changeFileLink: fileLink, changeBadge: SiteModel.badge(change.status), changeLineRef: change.lineRef, changeStale: stale,
            changeSuperseded: change.supersededBy.flatMap { recordLink($0.position, root: "../") },
            changeExcerpt: excerpt, hasExcerpt: !excerpt.isEmpty, changeExcerptCaption: caption,
            changeClaims: claims, hasClaims: !claims.isEmpty,
            changeNotes: change.diagnostics.map(\.message))
    }

    func stepVM(_ step: VerificationStep, index: Int, result: StepResult?) -> StepVM {
        var run: StepRunVM?
        if let result {
            let env = result.environment.map { e in
                ([e.os] + e.tools.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }).joined(separator: " · ")
            }
            run = StepRunVM(runBadge: SiteModel.stepBadge(result.status), runReason: result.reason, runOutput: result.outputExcerpt,
                            runMissing: result.expectation.missingLines, hasMissing: !result.expectation.missingLines.isEmpty,
                            runUnchecked: result.expectation.uncheckedLines, hasUnchecked: !result.expectation.uncheckedLines.isEmpty,
                            runEnvironment: env)
        }
        let expected = step.expectedOutput.map(\.text).joined(separator: "\n")
        let purpose = step.script.split(separator: "\n").first.flatMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("#"), !t.hasPrefix("#!") else { return nil }
            let text = t.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : text
        }
        return StepVM(stepAnchor: "step-\(index + 1)", stepNumber: index + 1, stepLabel: step.label ?? "Step \(index + 1)", stepPurpose: purpose,
                      stepLanguage: step.language ?? "sh", stepScript: step.script,
                      stepExpected: step.expectedOutput.isEmpty ? nil : expected, stepRun: run,
                      stepBadge: SiteModel.stepBadge(result?.status))
    }

    // MARK: dockerfile

    func dockerfileVM(_ dockerfile: SiteDockerfile) -> DockerfilePageVM {
        let lines = SiteHTML.lines(dockerfile.text)
        let documented = model.documented[dockerfile.path] ?? [:]
        var documentedBy = Set<Int>()
        var vms: [CodeLineVM] = []
        for (i, text) in lines.enumerated() {
            let n = i + 1
            let entry = documented[n]
            let refs = (entry?.records ?? []).sorted().compactMap { position -> LinkVM? in
                guard model.records.indices.contains(position) else { return nil }
                documentedBy.insert(position)
                // Field by field: copying the whole record per reference was most of this page's time.
                let label = model.records[position].numberLabel
                return LinkVM(linkHref: "../" + model.records[position].path, linkLabel: label == "—" ? "record" : label,
                              linkTitle: model.records[position].incident.title)
            }
            vms.append(CodeLineVM(lineNumber: n, lineAnchor: "L\(n)", lineHref: "#L\(n)", lineText: text,
                                  lineMarked: entry != nil, lineStatus: entry?.status.rawValue ?? "", lineRefs: refs))
        }
        let by = documentedBy.sorted().compactMap { recordLink($0, root: "../") }
        return DockerfilePageVM(path: dockerfile.path, lines: vms, lineCount: lines.count, documentedBy: by, hasDocumentedBy: !by.isEmpty)
    }

    // MARK: timeline

    func timelineVM() -> TimelineVM {
        var groups: [TimelineGroupVM] = []
        for position in model.newestFirst {
            let record = model.records[position]
            let label = record.incident.date.map { String($0.prefix(7)) } ?? "Undated"
            let anchor = label == "Undated" ? "undated" : "m-\(label)"
            if groups.last?.groupLabel != label {
                groups.append(TimelineGroupVM(groupLabel: monthName(label), groupAnchor: anchor, entries: []))
                groups[groups.count - 1].groupLabel = label
            }
            groups[groups.count - 1].entries.append(rowVM(position))
        }
        for i in groups.indices { groups[i].groupLabel = monthName(groups[i].groupLabel) }
        return TimelineVM(groups: groups, hasGroups: !groups.isEmpty)
    }

    func monthName(_ yearMonth: String) -> String {
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                     "November", "December"]
        let parts = yearMonth.split(separator: "-")
        guard parts.count == 2, let m = Int(parts[1]), (1...12).contains(m) else { return yearMonth }
        return "\(names[m - 1]) \(parts[0])"
    }

    // MARK: search

    struct SearchEntry: Encodable {
        var number: String
        var title: String
        var date: String?
        var url: String
        var check: String
        var verify: String
        var text: String
    }

    /// `search-index.json` and `assets/search-index.js`: the same bytes as ``searchIndexReference()`` (Foundation's
    /// `JSONEncoder` with sorted keys, then escaped), written directly into one buffer.
    func searchIndex() throws(SiteBuildError) -> (json: [UInt8], script: [UInt8]) {
        var writer = FastJSON.Writer()
        writer.out.reserveCapacity(input.logText.bytes.count + model.records.count * 200)
        writer.append("{\"records\":[")
        for (n, position) in model.newestFirst.enumerated() {
            let r = model.records[position]
            if n > 0 { writer.append(",") }
            // Keys in JSONEncoder's sorted order; a nil date is left out, as `encodeIfPresent` does.
            writer.append("{\"check\":"); writer.quote(r.check.badgeLabel)
            if let date = r.incident.date { writer.append(",\"date\":"); writer.quote(date) }
            writer.append(",\"number\":"); writer.quote(r.numberLabel)
            writer.append(",\"text\":"); writer.quote(input.logText.text(r.incident.range))
            writer.append(",\"title\":"); writer.quote(r.incident.title)
            writer.append(",\"url\":"); writer.quote(r.path)
            writer.append(",\"verify\":"); writer.quote(r.verify.badgeLabel)
            writer.append("}")
        }
        writer.append("]}")
        return Self.embeddable(writer.out)
    }

    /// Safe to embed anywhere: no raw `<`, `>`, `&`, U+2028 or U+2029 (inside JSON these only occur in strings,
    /// where the \u escapes mean the same). Returns the JSON file and the script that assigns it.
    static func embeddable(_ bytes: [UInt8]) -> (json: [UInt8], script: [UInt8]) {
        let prefix = Array("window.FIXLOG_SEARCH_INDEX = ".utf8)
        var escaped: [UInt8] = []
        escaped.reserveCapacity(prefix.count + bytes.count + bytes.count / 16 + 3)
        escaped.append(contentsOf: prefix)
        var i = 0
        func escape(_ code: StaticString) {
            escaped.append(UInt8(ascii: "\\")); escaped.append(UInt8(ascii: "u"))
            code.withUTF8Buffer { escaped.append(contentsOf: $0) }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "<") { escape("003c") }
            else if b == UInt8(ascii: ">") { escape("003e") }
            else if b == UInt8(ascii: "&") { escape("0026") }
            else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                escape(bytes[i + 2] == 0xA8 ? "2028" : "2029"); i += 2
            } else { escaped.append(b) }
            i += 1
        }
        var json = Array(escaped[prefix.count...])
        json.append(0x0A)
        escaped.append(UInt8(ascii: ";"))
        escaped.append(0x0A)
        return (json, escaped)
    }

    /// The search index through Foundation's `JSONEncoder` (the reference the tests compare ``searchIndex()`` with).
    func searchIndexReference() throws(SiteBuildError) -> (json: [UInt8], script: [UInt8]) {
        let entries = model.newestFirst.map { position -> SearchEntry in
            let r = model.records[position]
            return SearchEntry(number: r.numberLabel, title: r.incident.title, date: r.incident.date, url: r.path,
                               check: r.check.badgeLabel, verify: r.verify.badgeLabel,
                               text: input.logText.text(r.incident.range))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(["records": entries]) } catch {
            throw SiteBuildError(step: .writeSearchIndex, path: "search-index.json", message: "\(error)")
        }
        // Made safe to embed as the direct writer's index is (only the encoding is the reference).
        return Self.embeddable([UInt8](data))
    }
}
