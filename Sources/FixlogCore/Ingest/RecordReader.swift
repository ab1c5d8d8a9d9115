import Foundation

/// Reads one record's blocks into an ``Incident``.
struct RecordReader {
    let context: LogContext
    let start: LogBuilder.RecordStart
    let range: SourceRange
    let endBlock: Int
    var incident: Incident
    var diagnostics: [Diagnostic] = []

    var source: SourceText { context.source }
    var path: String { context.source.path }

    /// An open heading inside the record.
    struct Scope {
        var level: Int
        var kind: SectionKind
        var label: String
        var stage: String?
        var file: String?
        var lineRef: LineReference?
        /// Index of the heading-started item (root cause, alternative, lesson) this scope collects text for.
        var item: (kind: SectionKind, index: Int)?
    }

    /// A bold label or field that applies to the next code block.
    struct PendingLabel {
        var label: String?
        var role: ChangeRole?
        var ref: LineReference?
        var expected = false
        var verify = false
    }

    var scopes: [Scope] = []
    var pending: PendingLabel?
    var pendingOptions: [String: String]?
    var fieldFile: String?
    var fieldRef: LineReference?
    var fieldStage: String?
    var proseRef: LineReference?
    var recordRef: LineReference?
    var replacements: [(Replacement, afterLine: Int)] = []
    var sawSection = false

    static let shellLanguages: Set<String> = ["bash", "sh", "shell", "zsh", "console", "shell-session", "terminal", "sh-session", "ksh"]
    static let dockerfileLanguages: Set<String> = ["dockerfile", "docker", "containerfile"]

    init(context: LogContext, start: LogBuilder.RecordStart, range: SourceRange, endBlock: Int) {
        self.context = context
        self.start = start
        self.range = range
        self.endBlock = endBlock
        let h = context.headings[start.heading]
        incident = Incident(number: start.number, title: h.parsed.title, status: h.parsed.status, date: h.parsed.date,
                            dateSource: h.parsed.date == nil ? nil : .heading, shape: start.shape,
                            heading: HeadingRef(text: h.text, level: h.level, range: h.range), range: range)
    }

    // MARK: - Walking the record

    mutating func read() {
        let h = context.headings[start.heading]
        var reported: Set<String> = []
        for bad in h.parsed.invalidDates where reported.insert(bad).inserted {
            let line = source.line(h.range.start.line)
            var range = h.range
            if let r = line.range(of: bad) {
                let col = line.utf8.distance(from: line.utf8.startIndex, to: r.lowerBound) + 1
                range = SourceRange(start: SourceLocation(line: h.range.start.line, column: col),
                                    end: SourceLocation(line: h.range.start.line, column: col + bad.utf8.count))
            }
            diagnostics.append(.warning(.invalidDate, "'\(bad)' is not a real calendar date; the record gets no date from it",
                                        file: path, range: range))
        }
        recordRef = lineRefs(onLine: h.range.start.line, fromColumn: 1, origin: .heading).first
        if let p = h.parent, start.shape != .singleDocument {
            let parent = context.headings[p]
            let isDocumentTitle = parent.level == 1 && context.headings.first?.blockIndex == parent.blockIndex
            if !isDocumentTitle || parent.listKind == .group {
                incident.group = parent.parsed.title
            }
            if incident.date == nil, let d = parent.parsed.date {
                incident.date = d
                incident.dateSource = .group
            } else if incident.date == nil, let gp = parent.parent, let d = context.headings[gp].parsed.date {
                incident.date = d
                incident.dateSource = .group
            }
        }
        let blocks = context.blocks
        // Blocks are read in place (a copy of a node retains each of its references).
        blocks.withUnsafeBufferPointer { b in
            var k = h.blockIndex + 1
            while k < min(endBlock, b.count) {
                handleBlock(b[k], headingIndex: context.headingAtBlock(k))
                k += 1
            }
        }
        if start.shape == .singleDocument, incident.date == nil {
            // A **Date:** field anywhere before the record heading (single-document logs).
            for b in blocks[..<h.blockIndex] where b.kind == .paragraph {
                for f in FieldReader.fields(in: b, source: source) where f.name.lowercased() == "date" {
                    if let d = DateReader.firstDate(in: f.value).match { incident.date = d.iso; incident.dateSource = .field }
                }
            }
        }
        attachReplacements()
    }

    mutating func handleBlock(_ block: MarkdownNode, headingIndex: Int?) {
        switch block.kind {
        case .heading:
            if let headingIndex { enterHeading(headingIndex) }
        case .paragraph:
            handleParagraph(block)
        case .list:
            handleList(block)
        case .codeBlock:
            handleCode(block)
        case .htmlBlock:
            if let options = ExpectedOutputReader.options(fromComment: block.literal ?? "") { pendingOptions = options }
        case .blockQuote:
            block.children.withUnsafeBufferPointer { c in for i in c.indices { handleBlock(c[i], headingIndex: nil) } }
        default:
            break
        }
    }

    /// A bold label naming a section (`**Solution:**`, `**Changes:**`) in a record without sub-headings acts as one.
    var pseudoKind: SectionKind?

    var currentKind: SectionKind? { pseudoKind ?? scopes.last?.kind }

    mutating func enterHeading(_ index: Int) {
        let h = context.headings[index]
        while let top = scopes.last, top.level >= h.level { scopes.removeLast() }
        let parentKind = scopes.last?.kind
        let own = h.kind
        let kind = Self.resolveKind(own: own, parent: parentKind)
        let label = h.label
        var scope = Scope(level: h.level, kind: kind, label: label, stage: h.stage, file: h.dockerfile,
                          lineRef: lineRefs(onLine: h.range.start.line, fromColumn: 1, origin: .heading).first)
        if let parentKind, parentKind == .rootCause || parentKind == .alternatives || parentKind == .lessons {
            let item = Item(title: label, detail: "", range: h.range)
            switch parentKind {
            case .rootCause: incident.rootCauses.append(item); scope.item = (.rootCause, incident.rootCauses.count - 1)
            case .alternatives: incident.alternatives.append(item); scope.item = (.alternatives, incident.alternatives.count - 1)
            default: incident.lessons.append(item); scope.item = (.lessons, incident.lessons.count - 1)
            }
            scope.kind = parentKind
        }
        scopes.append(scope)
        sawSection = true
        incident.sections.append(Section(kind: scope.kind, heading: h.parsed.title, level: h.level,
                                         range: sectionRange(for: index)))
        // `### Solution: Use the PyTorch base image` — the text after the colon, as written (Markdown kept, like a
        // `**Solution:**` field's value).
        if kind == .solution, incident.solution == nil, Self.contains(h.parsed.title, ":") {
            let raw = source.line(h.range.start.line).drop { $0 == "#" || $0 == " " }
            if let colon = raw.firstIndex(of: ":") {
                var rest = raw[raw.index(after: colon)...].trimmedSpaces
                while rest.hasSuffix("#") { rest = String(rest.dropLast()).trimmedSpaces }
                while let f = rest.first, f == "*" || f == "_" { rest = String(rest.dropFirst()).trimmedSpaces }
                if !rest.isEmpty { incident.solution = rest }
            }
        }
        fieldFile = nil
        fieldRef = nil
        fieldStage = nil
        pending = nil
        proseRef = nil
        pseudoKind = nil
    }

    static func resolveKind(own: SectionKind, parent: SectionKind?) -> SectionKind {
        guard let parent else { return own }
        if own == .verification || own == .expectedOutput { return own }
        switch parent {
        case .solution, .changes, .verification, .other: return own == .other ? parent : own
        default: return parent
        }
    }

    /// From the heading to the next heading of the same or a higher level inside the record.
    func sectionRange(for index: Int) -> SourceRange {
        let h = context.headings[index]
        let start = SourceLocation(line: h.range.start.line, column: 1)
        var k = index + 1
        while k < context.headings.count, context.headings[k].blockIndex < endBlock {
            if context.headings[k].level <= h.level {
                return SourceRange(start: start, end: SourceLocation(line: context.headings[k].range.start.line, column: 1))
            }
            k += 1
        }
        return SourceRange(start: start, end: range.end)
    }

    mutating func handleParagraph(_ block: MarkdownNode) {
        let fields = FieldReader.fields(in: block, source: source)
        for f in fields { handleField(f) }
        let text = block.plainText.trimmedSpaces
        if fields.allSatisfy({ $0.value.isEmpty }), let (label, rest) = FieldReader.label(of: block) {
            setPendingLabel(label, rest: rest, line: block.range?.start.line ?? 0)
            return
        }
        if !fields.isEmpty { return }
        // "Expected output:", "Before:", "After (lines 24-51):" as plain text.
        if text.hasSuffix(":"), text.count < 60 {
            let before = pending
            setPendingLabel(String(text.dropLast()), rest: "", line: block.range?.start.line ?? 0)
            // Plain prose ending in a colon is a label only when it names a role ("Before:", "Expected output:").
            if let p = pending, p.label != nil { pending = before } else { return }
        }
        if let line = block.range?.start.line {
            proseRef = Self.singleSpan((line...(block.range?.end.line ?? line)).flatMap { lineRefs(onLine: $0, fromColumn: 1, origin: .prose) })
            if let range = block.range, let file = inlineFile(of: range) { fieldFile = file }
        }
        addProse(text, block: block)
    }

    /// The first reference when all references name the same lines (`[Dockerfile#L40-L44](…#L40-L44)`).
    static func singleSpan(_ refs: [LineReference]) -> LineReference? {
        guard let first = refs.first, refs.allSatisfy({ $0.span == first.span }) else { return nil }
        return first
    }

    /// `(**File:** \`Dockerfile\`, lines 9-10)` written inside a sentence.
    static func inlineFile(in text: String) -> String? {
        var text = text
        return text.withUTF8 { inlineFile(in: $0) }
    }

    private static let inlineFileMarkers = ["**File:**", "**File**:", "**Location:**", "**Path:**"].map { Array($0.utf8) }

    /// ``inlineFile(in:)`` of the source text in `range`, read on its bytes (no `String` of the paragraph).
    func inlineFile(of range: SourceRange) -> String? {
        source.bytes.withUnsafeBufferPointer { Self.inlineFile(in: UnsafeBufferPointer(rebasing: $0[source.byteRange(of: range)])) }
    }

    /// ``inlineFile(in:)`` on UTF-8 bytes: the first of the markers, in their order of preference, that the text
    /// holds anywhere, found in one pass over the text's `**` pairs.
    static func inlineFile(in b: UnsafeBufferPointer<UInt8>) -> String? {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: inlineFileMarkers.count) { firstAt in
            firstAt.initialize(repeating: -1)
            return inlineFile(in: b, firstAt: firstAt)
        }
    }

    private static func inlineFile(in b: UnsafeBufferPointer<UInt8>, firstAt: UnsafeMutableBufferPointer<Int>) -> String? {
        var i = 0
        while i + 1 < b.count {
            if b[i] == UInt8(ascii: "*"), b[i + 1] == UInt8(ascii: "*") {
                for (m, marker) in inlineFileMarkers.enumerated() where firstAt[m] < 0 && i + marker.count <= b.count {
                    var k = 2
                    while k < marker.count, b[i + k] == marker[k] { k += 1 }
                    if k == marker.count { firstAt[m] = i + marker.count }
                }
            }
            i += 1
        }
        guard let end = firstAt.first(where: { $0 >= 0 }) else { return nil }
        let rest = String(decoding: UnsafeBufferPointer(rebasing: b[end...]), as: UTF8.self)
        return FieldReader.firstCodeSpan(rest).flatMap { $0.contains(" ") ? nil : $0 } ?? FieldReader.dockerfileName(in: rest)
    }

    mutating func addProse(_ text: String, block: MarkdownNode) {
        guard !text.isEmpty, let range = block.range else { return }
        if let item = scopes.last?.item {
            appendDetail(text, to: item)
            return
        }
        switch currentKind {
        case .problem: incident.problems.append(Item(title: "", detail: text, range: range))
        case .solution: if incident.solution == nil { incident.solution = Self.rawInline(source.text(range)) }
        case .result: incident.result.append(text)
        case .rootCause: incident.rootCauses.append(Item(title: text, detail: "", range: range))
        case .lessons: incident.lessons.append(Item(title: text, detail: "", range: range))
        case .impact:
            let metrics = Self.tableMetrics(text: source.text(range), range: range)
            if !metrics.isEmpty { incident.impact += metrics }
        default: break
        }
    }

    /// A paragraph's Markdown as written, its lines joined by single spaces (the same form a field value has).
    static func rawInline(_ markdown: String) -> String {
        markdown.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmedSpaces }.filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    mutating func appendDetail(_ text: String, to item: (kind: SectionKind, index: Int)) {
        func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : a + "\n" + b }
        switch item.kind {
        case .rootCause: incident.rootCauses[item.index].detail = join(incident.rootCauses[item.index].detail, text)
        case .alternatives: incident.alternatives[item.index].detail = join(incident.alternatives[item.index].detail, text)
        default: incident.lessons[item.index].detail = join(incident.lessons[item.index].detail, text)
        }
    }

    mutating func setPendingLabel(_ label: String, rest: String, line: Int) {
        let lower = label.lowercased()
        var p = PendingLabel()
        let ref = lineRefs(onLine: line, fromColumn: 1, origin: .label).first
        if lower.hasPrefix("before") || lower.hasPrefix("old") || lower.hasPrefix("wrong") || lower.hasPrefix("previous")
            || lower.hasPrefix("original") || label.hasPrefix("❌")
        {
            p.role = .before
        } else if lower.hasPrefix("after") || lower.hasPrefix("new") || lower.hasPrefix("fixed") || lower.hasPrefix("correct")
            || lower.hasPrefix("updated") || label.hasPrefix("✅")
        {
            p.role = .after
        } else if lower.containsBytes("expected") || lower.hasPrefix("output") || lower.containsBytes("should see")
            || lower.containsBytes("should print") || lower.hasPrefix("result")
        {
            p.expected = true
        } else if lower.containsBytes("verif") || lower.hasPrefix("test") || lower.containsBytes("to check")
            || lower.containsBytes("to confirm")
        {
            p.verify = true
        } else {
            let clean = Self.labelText(TitleReader.stripDecoration(label))
            let kind = context.sectionKinds.kind(of: clean)
            if kind != .other {
                pseudoKind = kind
                if kind == .verification { p.verify = true }
            }
            // A bare section word ("Solution", "解决方案") is a section marker, not a label for the code.
            if kind == .other || clean.split(separator: " ").count > 2 { p.label = clean }
        }
        p.ref = ref
        pending = p
    }

    mutating func handleField(_ f: FieldReader.RawField) {
        incident.fields.append(Field(name: f.name, value: f.value, range: f.range))
        let name = f.name.lowercased()
        // `**Solution:** …` / `**Soluzione:** …` open a solution part in records without sub-headings;
        // `**Problem:**` with nothing after it opens a problem part.
        let fieldKind = context.sectionKinds.kind(of: name)
        if fieldKind == .solution || fieldKind == .changes || fieldKind == .verification || (f.value.isEmpty && fieldKind != .other) {
            pseudoKind = fieldKind
        }
        switch name {
        case "issue", "problem", "summary", "symptom", "symptoms", "error", "description", "bug", "incident":
            if incident.summary == nil { incident.summary = f.value }
        case "date", "fixed on", "resolved on", "fecha", "data", "日期", "날짜":
            let found = DateReader.firstDate(in: f.value)
            if let m = found.match {
                if incident.date == nil || incident.dateSource == .group { incident.date = m.iso; incident.dateSource = .field }
            } else if let bad = found.invalid.first {
                diagnostics.append(.warning(.invalidDate, "'\(bad.text)' is not a real calendar date", file: path, range: f.range))
            }
        case "status", "estado", "状态", "상태", "stato":
            if incident.status == nil {
                let s = TitleReader.stripDecoration(f.value).trimmedSpaces
                if !s.isEmpty { incident.status = s.uppercased() }
            }
        case "file", "files", "location", "path", "target", "dockerfile", "target file", "archivo", "文件", "파일":
            fieldFile = FieldReader.firstCodeSpan(f.value).flatMap { $0.contains(" ") ? nil : $0 }
                ?? FieldReader.dockerfileName(in: f.value)
            // `Dockerfile:15` names the file and the line.
            if let file = fieldFile, let found = LineReferenceReader.scan(file).found.first, let named = found.file {
                fieldFile = named
            }
            let refs = lineRefs(onLine: f.line, fromColumn: f.valueColumn, origin: .field)
            if let r = refs.first { fieldRef = r }
        case "line", "lines", "línea", "líneas", "行", "줄":
            let result = LineReferenceReader.readValue(f.value)
            if let found = result.found.first {
                fieldRef = makeRef(found, line: f.line, column: f.valueColumn, origin: .field)
            } else if let bad = result.unreadable.first {
                reportUnreadable(bad, line: f.line, column: f.valueColumn)
            } else {
                diagnostics.append(.warning(.unreadableLineReference,
                    "cannot read '\(f.value)' as a line number or range (write e.g. '21' or '21-25')",
                    file: path, range: SourceRange(start: SourceLocation(line: f.line, column: f.valueColumn), end: f.range.end)))
            }
        case "stage", "build stage", "target stage":
            fieldStage = FieldReader.firstCodeSpan(f.value) ?? TitleReader.stripDecoration(f.value)
        case "changed", "change", "replaced", "updated", "swapped":
            if let r = Self.replacement(f.value, range: f.range) { replacements.append((r, f.line)) }
        case "solution", "fix", "resolution", "solución", "soluzione":
            if incident.solution == nil, !f.value.isEmpty { incident.solution = f.value }
        case "root cause", "cause", "causa":
            if !f.value.isEmpty { incident.rootCauses.append(Item(title: f.value, detail: "", range: f.range)) }
        case "expected output", "expected", "output", "expected result":
            if f.value.isEmpty {
                pending = PendingLabel(expected: true)
            } else if var last = incident.verifications.popLast() {
                var e = ExpectedOutputReader.splitCondition(f.value.replacingOccurrences(of: "`", with: ""))
                e.range = f.range
                last.expectedOutput.append(e)
                incident.verifications.append(last)
            }
        default:
            break
        }
    }

    mutating func handleList(_ list: MarkdownNode) {
        let kind = scopes.last?.item == nil ? currentKind : nil
        let outerFile = fieldFile
        // Items and their blocks are read in place (a copy of a node retains each of its references).
        list.children.withUnsafeBufferPointer { items in
            for i in items.indices where items[i].kind == .item {
                handleListItem(items[i], kind: kind, outerFile: outerFile)
            }
        }
    }

    mutating func handleListItem(_ item: MarkdownNode, kind: SectionKind?, outerFile: String?) {
        guard let range = item.range else { return }
        fieldFile = outerFile
        proseRef = nil
        switch kind {
        case .rootCause, .alternatives, .lessons, .problem, .impact, .result:
            let (title, detail) = Self.titleAndDetail(item)
            switch kind {
            case .rootCause: incident.rootCauses.append(Item(title: title, detail: detail, range: range))
            case .alternatives: incident.alternatives.append(Item(title: title, detail: detail, range: range))
            case .lessons: incident.lessons.append(Item(title: title, detail: detail, range: range))
            case .problem: incident.problems.append(Item(title: title, detail: detail, range: range))
            case .impact: incident.impact.append(ImpactMetric(metric: title, value: detail, range: range))
            default: incident.result.append(detail.isEmpty ? title : title + ": " + detail)
            }
        default:
            if let owner = scopes.last?.item { appendDetail(item.plainText, to: owner) }
        }
        // Fields, labels and code blocks inside list items (fences indented in lists).
        item.children.withUnsafeBufferPointer { children in
            for j in children.indices {
                switch children[j].kind {
                case .paragraph:
                    readListParagraph(children[j])
                case .codeBlock: handleCode(children[j])
                case .list: handleNestedList(children[j])
                case .htmlBlock:
                    if let options = ExpectedOutputReader.options(fromComment: children[j].literal ?? "") { pendingOptions = options }
                default: break
                }
            }
        }
    }

    /// Fields, labels, inline `**File:**` and line references in a list item's paragraph (they apply to the
    /// code block the item holds).
    mutating func readListParagraph(_ child: MarkdownNode) {
        let fields = FieldReader.fields(in: child, source: source)
        for f in fields { handleField(f) }
        if fields.isEmpty, let (label, rest) = FieldReader.label(of: child) {
            setPendingLabel(label, rest: rest, line: child.range?.start.line ?? 0)
            return
        }
        guard fields.isEmpty, let r = child.range else { return }
        if let ref = Self.singleSpan((r.start.line...r.end.line).flatMap { lineRefs(onLine: $0, fromColumn: 1, origin: .prose) }) {
            proseRef = ref
        }
        if let file = inlineFile(of: r) { fieldFile = file }
    }

    mutating func handleNestedList(_ list: MarkdownNode) {
        for item in list.children {
            for child in item.children {
                if child.kind == .codeBlock { handleCode(child) }
                if child.kind == .list { handleNestedList(child) }
                if child.kind == .paragraph { readListParagraph(child) }
            }
        }
    }

    /// `**Title**: detail` → (Title, detail); `Title: detail` → (Title, detail) when the title is short.
    static func titleAndDetail(_ item: MarkdownNode) -> (String, String) {
        // Nodes are read in place (a copy of a node retains each of its references).
        item.children.withUnsafeBufferPointer { children in
            guard let p = children.indices.first(where: { children[$0].kind == .paragraph }) else { return (item.plainText, "") }
            var nested: [String] = []
            for i in children.indices where children[i].kind == .list {
                children[i].children.withUnsafeBufferPointer { subs in
                    for k in subs.indices { nested.append(subs[k].plainText.trimmedSpaces) }
                }
            }
            return titleAndDetail(paragraph: children[p], nested: nested)
        }
    }

    private static func titleAndDetail(paragraph para: MarkdownNode, nested: [String]) -> (String, String) {
        var title: String
        var detail: String
        let strongFirst = para.children.withUnsafeBufferPointer { c -> (String, String)? in
            guard let first = c.indices.first, c[first].kind == .strong else { return nil }
            return (c[first].plainText.trimmedSpaces, c[(first + 1)...].map(\.plainText).joined())
        }
        if let (t, d) = strongFirst {
            title = t
            detail = d
        } else {
            let text = para.plainText
            if let found = text.byteRange(of: ": "),
                case let colon = text.index(atByte: found.lowerBound)..<text.index(atByte: found.upperBound),
                text[..<colon.lowerBound].dropFirst(60).isEmpty
            {
                title = String(text[..<colon.lowerBound])
                detail = String(text[colon.upperBound...])
            } else {
                title = text
                detail = ""
            }
        }
        if title.hasSuffix(":") { title.removeLast() }
        var rest = detail.trimmedSpacesSlice
        while let f = rest.first, f == ":" || f == "-" || f == "–" || f == "—" { rest = rest.dropFirst().trimmedSpacesSlice }
        detail = String(rest)
        if !nested.isEmpty { detail = ([detail] + nested).filter { !$0.isEmpty }.joined(separator: "\n") }
        return (title.trimmedSpaces, detail)
    }

    /// Metrics from a pipe table written in a paragraph (cmark has no tables): first column is the metric.
    static func tableMetrics(text: String, range: SourceRange) -> [ImpactMetric] {
        let rows = text.split(separator: "\n").map { $0.trimmedSpaces }.filter { $0.hasPrefix("|") }
        guard rows.count >= 3 else { return [] }
        func cells(_ row: String) -> [String] {
            row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmedSpaces }
        }
        var out: [ImpactMetric] = []
        for (i, row) in rows.enumerated() where i >= 2 {
            let c = cells(row)
            guard let metric = c.first, !metric.isEmpty else { continue }
            out.append(ImpactMetric(metric: metric.replacingOccurrences(of: "**", with: ""),
                                    value: c.dropFirst().joined(separator: " → "),
                                    range: SourceRange(start: SourceLocation(line: range.start.line + i, column: 1),
                                                       end: SourceLocation(line: range.start.line + i, column: row.utf8.count + 1))))
        }
        return out
    }

    // MARK: - Code blocks

    /// Sections whose code blocks document no change (unless a label gives them a role).
    static let noClaimKinds: Set<SectionKind> = [.problem, .rootCause, .rationale, .alternatives, .lessons, .impact, .result,
                                                 .benefits, .notes, .nextSteps, .files]

    mutating func handleCode(_ node: MarkdownNode) {
        guard let blockRange = node.range else { return }
        let code = node.literal ?? ""
        let language = node.language
        let lang = language?.lowercased() ?? ""
        let contentStart = blockRange.start.line + (node.isFenced ? 1 : 0)
        checkFenceClosed(node)
        let label = pending
        pending = nil
        let options = pendingOptions
        pendingOptions = nil
        if label?.expected == true || currentKind == .expectedOutput {
            attachExpected(ExpectedOutputReader.readOutputBlock(code: code, firstLine: contentStart))
            return
        }
        let isDockerfile = Self.dockerfileLanguages.contains(lang)
            || (lang.isEmpty && CodeAnnotationReader.looksLikeDockerfile(code))
        let isDiff = lang == "diff" || lang == "patch" || (lang.isEmpty && CodeAnnotationReader.looksLikeDiff(code))
        let verificationContext = currentKind == .verification || label?.verify == true
        if verificationContext && !isDockerfile && !isDiff {
            let shellish = Self.shellLanguages.contains(lang)
                || (lang.isEmpty && CodeAnnotationReader.guessLanguage(code) == "bash")
            if shellish && !ExpectedOutputReader.looksLikeOutput(code) {
                addVerification(node, code: code, language: language, contentStart: contentStart, options: options)
            }
            return
        }
        let changeContext = currentKind == .solution || currentKind == .changes || label?.role != nil
        let bodyContext = currentKind == nil || currentKind == .other
        let noClaimContext = currentKind.map(Self.noClaimKinds.contains) ?? false
        if label?.role == nil && noClaimContext { return }
        let namedTarget = fieldFile != nil || fieldRef != nil
        guard changeContext || (bodyContext && (isDockerfile || isDiff || namedTarget)) else { return }
        if !isDockerfile && !isDiff && ExpectedOutputReader.looksLikeOutput(code) { return }
        addChange(node, code: code, language: language, isDiff: isDiff, contentStart: contentStart, label: label)
    }

    mutating func addChange(_ node: MarkdownNode, code: String, language: String?, isDiff: Bool, contentStart: Int,
                            label: PendingLabel?)
    {
        guard let blockRange = node.range else { return }
        var lang = language
        var guessed = false
        if lang == nil {
            lang = CodeAnnotationReader.guessLanguage(code)
            guessed = true
            let shown = lang.map { "; it reads like '\($0)'" } ?? ""
            diagnostics.append(.warning(.changeWithoutLanguage,
                "code block documenting a change has no language tag\(shown); write e.g. '```dockerfile'",
                file: path, range: SourceRange(start: blockRange.start, end: SourceLocation(line: blockRange.start.line, column: blockRange.start.column + 3))))
        }
        let role: ChangeRole = isDiff ? .diff : (label?.role ?? .after)
        let read = CodeAnnotationReader.read(code: code, isDiff: isDiff, wholeBlockAbsent: role == .before)
        var lineRef: LineReference?
        var previousRef: LineReference?
        do {
            // A `**File:** … (lines A-B)` field or a heading's `(lines A-B)` covers every block of its section
            // (a Before/After pair shares it); a record heading's reference goes to its first change only.
            lineRef = label?.ref
            if lineRef == nil, let r = fieldRef { lineRef = r }
            if lineRef == nil, let i = scopes.indices.last(where: { scopes[$0].lineRef != nil }) {
                lineRef = scopes[i].lineRef
            }
            if lineRef == nil, let r = recordRef { lineRef = r; recordRef = nil }
        }
        // `# OLD (Line 70)` / `# NEW (Line 72)`: the new half's reference is the change's; the old half's is kept
        // as the previous location, and is the change's own when the block documents only the old state.
        var oldHalfRef: LineReference?
        for c in read.commentRefs {
            let logLine = contentStart + c.line - 1
            guard let ref = locate(c.ref, onLine: logLine, origin: .codeComment) else { continue }
            if c.describesOld { if oldHalfRef == nil { oldHalfRef = ref } } else if lineRef == nil { lineRef = ref }
        }
        if lineRef == nil, let r = proseRef { lineRef = r }
        if lineRef == nil { lineRef = oldHalfRef } else { previousRef = oldHalfRef }
        proseRef = nil
        // The target file comes from a `**File:**`/`**Location:**` field or a heading that names one; otherwise
        // the Dockerfile beside the log is meant (nil).
        let file = fieldFile ?? scopes.last(where: { $0.file != nil })?.file
        let stage = fieldStage ?? label?.label.flatMap(Self.stageHint(in:)) ?? scopes.last(where: { $0.stage != nil })?.stage
        let changeLabel = label?.label ?? scopes.last?.label ?? incident.title
        let change = DocumentedChange(
            label: changeLabel, file: file, stage: stage, lineRef: lineRef, previousLineRef: previousRef, language: lang,
            languageGuessed: guessed, code: code, role: role, annotations: read.annotations, lines: read.lines,
            range: blockRange, contentStartLine: contentStart)
        incident.changes.append(change)
    }

    mutating func addVerification(_ node: MarkdownNode, code: String, language: String?, contentStart: Int,
                                  options: [String: String]?)
    {
        guard let blockRange = node.range else { return }
        let read = ExpectedOutputReader.read(code: code, language: language, firstLine: contentStart)
        var opts = ExpectedOutputReader.options(fromInfo: node.fenceInfo ?? "")
        for (k, v) in options ?? [:] { opts[k] = v }
        incident.verifications.append(VerificationStep(
            language: language, script: read.script, expectedOutput: read.expected, options: opts,
            label: scopes.last?.label, range: blockRange, contentStartLine: contentStart))
    }

    mutating func attachExpected(_ lines: [ExpectedLine]) {
        guard var last = incident.verifications.popLast() else { return }
        last.expectedOutput += lines
        incident.verifications.append(last)
    }

    /// Warns when a fenced block is still open where its container ends (usually the end of the file).
    mutating func checkFenceClosed(_ node: MarkdownNode) {
        guard node.isFenced, let r = node.range else { return }
        let opening = source.line(r.start.line)
        let openBytes = Array(opening.utf8).dropFirst(max(0, r.start.column - 1))
        guard let fenceChar = openBytes.first else { return }
        let fenceCount = openBytes.prefix(while: { $0 == fenceChar }).count
        let closing = Array(source.line(r.end.line).utf8).drop(while: { $0 == 32 || $0 == 62 })  // spaces, '>'
        let closingCount = closing.prefix(while: { $0 == fenceChar }).count
        let closed = r.end.line > r.start.line && closingCount >= fenceCount
            && closing.dropFirst(closingCount).allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 }
        if !closed {
            diagnostics.append(.warning(.unterminatedFence,
                "code fence opened here is never closed; it runs to line \(r.end.line)",
                file: path, range: SourceRange(start: r.start, end: SourceLocation(line: r.start.line, column: r.start.column + fenceCount))))
        }
    }

    // MARK: - Line references

    /// References on a source line from a byte column on, located in the log.
    mutating func lineRefs(onLine line: Int, fromColumn column: Int, origin: LineReference.Origin) -> [LineReference] {
        guard line >= 1 else { return [] }
        // Every reference has a digit; most lines have none (checked on the source bytes, before any string).
        let lineRange = source.lineByteRange(line)
        let scanFrom = min(lineRange.lowerBound + max(0, column - 1), lineRange.upperBound)
        let hasDigit = source.bytes.withUnsafeBufferPointer { b in
            b[scanFrom..<lineRange.upperBound].contains { $0 >= 48 && $0 <= 57 }
        }
        guard hasDigit else { return [] }
        let from = scanFrom - lineRange.lowerBound
        // An ASCII rest of the line is scanned as it lies in the source (a String of it has the same bytes).
        let asciiRest = source.bytes.withUnsafeBufferPointer { b in b[scanFrom..<lineRange.upperBound].allSatisfy { $0 < 0x80 } }
        let scanned = asciiRest
            ? LineReferenceReader.scan(bytes: Array(source.bytes[scanFrom..<lineRange.upperBound]))
            : Self.scanLine(source.line(line), from: column)
        for bad in scanned.unreadable { reportUnreadable(bad, line: line, column: from + 1) }
        return scanned.found.map { makeRef($0, line: line, column: from + 1, origin: origin) }
    }

    /// References in `text` (a source line) from a byte column on: the general path of ``lineRefs(onLine:fromColumn:origin:)``.
    static func scanLine(_ text: String, from column: Int) -> LineReferenceReader.Result {
        let bytes = Array(text.utf8)
        let from = min(max(0, column - 1), bytes.count)
        return LineReferenceReader.scan(String(decoding: bytes[from...], as: UTF8.self))
    }

    func makeRef(_ f: LineReferenceReader.Found, line: Int, column: Int, origin: LineReference.Origin) -> LineReference {
        LineReference(first: f.first, last: f.last, text: f.text,
                      range: SourceRange(start: SourceLocation(line: line, column: column + f.byteRange.lowerBound),
                                         end: SourceLocation(line: line, column: column + f.byteRange.upperBound)),
                      origin: origin)
    }

    /// Finds a reference read from code (whose indentation may differ) on its source line.
    func locate(_ f: LineReferenceReader.Found, onLine line: Int, origin: LineReference.Origin) -> LineReference? {
        let raw = Array(source.line(line).utf8)
        let needle = Array(f.text.utf8)
        guard !needle.isEmpty, raw.count >= needle.count else { return nil }
        for i in 0...(raw.count - needle.count) where Array(raw[i..<i + needle.count]) == needle {
            return LineReference(first: f.first, last: f.last, text: f.text,
                                 range: SourceRange(start: SourceLocation(line: line, column: i + 1),
                                                    end: SourceLocation(line: line, column: i + 1 + needle.count)),
                                 origin: origin)
        }
        return nil
    }

    mutating func reportUnreadable(_ bad: LineReferenceReader.Unreadable, line: Int, column: Int) {
        diagnostics.append(.warning(.unreadableLineReference, "cannot read line reference '\(bad.text)': \(bad.reason)",
                                    file: path,
                                    range: SourceRange(start: SourceLocation(line: line, column: column + bad.byteRange.lowerBound),
                                                       end: SourceLocation(line: line, column: column + bad.byteRange.upperBound))))
    }

    // MARK: - Text helpers

    /// A heading as a change label: line references and their brackets removed.
    static func labelText(_ title: String) -> String {
        var t = title
        for f in LineReferenceReader.scan(title).found.reversed() {
            let bytes = Array(t.utf8)
            var lo = f.byteRange.lowerBound, hi = f.byteRange.upperBound
            if lo > 0, hi < bytes.count, bytes[lo - 1] == UInt8(ascii: "("), bytes[hi] == UInt8(ascii: ")") { lo -= 1; hi += 1 }
            t = String(decoding: bytes[..<lo] + bytes[hi...], as: UTF8.self)
        }
        return TitleReader.trimPunctuation(TitleReader.collapseWhitespace(t))
    }

    static let stagePrepositions: Set<String> = ["in", "into", "from", "of", "for", "to", "at", "inside", "within", "on"]

    /// Whether the text holds "stage" in any letter case (most headings and labels do not).
    static func mentionsStage(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { b in
            guard b.count >= 5 else { return false }
            for i in 0...(b.count - 5) where b[i] | 0x20 == 0x73 {  // s
                if b[i + 1] | 0x20 == 0x74, b[i + 2] | 0x20 == 0x61, b[i + 3] | 0x20 == 0x67, b[i + 4] | 0x20 == 0x65 {
                    return true
                }
            }
            return false
        }
    }

    /// "Builder Stage (lines 1-25)", "Step 2: Install numpy in runtime stage", "stage `builder`", "`builder` stage".
    /// Not "Reuse the base stage" or "Old vendor stage": the stage word must lead the text, follow a
    /// preposition, or name a stage in backticks.
    static func stageHint(in text: String) -> String? {
        guard mentionsStage(text) else { return nil }
        var t = text
        // Drop "Step 2:" / "2." prefixes.
        if let colon = t.firstIndex(of: ":"), t[..<colon].split(separator: " ").count <= 2 { t = String(t[t.index(after: colon)...]) }
        let words = t.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" || $0 == ":" || $0 == "," || $0 == "*" })
            .map(String.init)
        let prepositions = Self.stagePrepositions
        for (i, w) in words.enumerated() where w.lowercased() == "stage" {
            if i + 1 < words.count, words[i + 1].hasPrefix("`") { return "stage " + words[i + 1] }
            guard i > 0 else { continue }
            let prev = words[i - 1]
            if prev.hasPrefix("`") { return prev + " " + w }
            guard prev.first?.isLetter == true else { continue }
            if i == 1 { return prev + " " + w }
            let before = words[i - 2].lowercased()
            if prepositions.contains(before) || (before == "the" && i >= 3 && prepositions.contains(words[i - 3].lowercased())) {
                return prev + " " + w
            }
        }
        return nil
    }

    /// `Base image from \`A\` → \`B\``.
    static func replacement(_ value: String, range: SourceRange) -> Replacement? {
        var spans: [String] = []
        var between: [String] = []
        var rest = Substring(value)
        var lastEnd = value.startIndex
        var prefix = ""
        while let open = rest.firstIndex(of: "`") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "`") else { break }
            if spans.isEmpty { prefix = String(value[value.startIndex..<open]) } else { between.append(String(value[lastEnd..<open])) }
            spans.append(String(rest[after..<close]))
            lastEnd = rest.index(after: close)
            rest = rest[lastEnd...]
        }
        guard spans.count >= 2, let sep = between.first else { return nil }
        let s = sep.trimmedSpaces.lowercased()
        // In ASCII text (which cannot hold the arrows) the two-byte arrows are found by a byte search.
        let arrow = Self.isPlainASCII(s)
            ? Self.contains(s, "->") || Self.contains(s, "=>") || s == "to"
            : s.contains("→") || s.contains("->") || s.contains("=>") || s == "to" || s.contains("⇒") || s.contains("➡")
        guard arrow else { return nil }
        var subject = prefix.trimmedSpaces
        if subject.lowercased().hasSuffix(" from") { subject = String(subject.dropLast(5)) }
        if subject.lowercased() == "from" { subject = "" }
        return Replacement(subject: subject.trimmedSpaces, from: spans[0], to: spans[1], range: range)
    }

    /// Whether every character of `text` is one ASCII byte (ASCII without carriage returns: "\r\n" is one character).
    static func isPlainASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { $0.isASCIIWithoutCR }
    }

    /// `text.contains(needle)` (Foundation's), found by a byte search when both are ASCII without carriage
    /// returns (where the two agree).
    static func contains(_ text: String, _ needle: String) -> Bool {
        var text = text, needle = needle
        let fast = text.withUTF8 { t in
            needle.withUTF8 { n -> Bool? in
                // ASCII without carriage returns: every character is one byte ("\r\n" would be one character).
                func plain(_ b: UnsafeBufferPointer<UInt8>) -> Bool { b.isASCIIWithoutCR }
                guard !n.isEmpty, plain(t), plain(n) else { return nil }
                return String.find(n, in: t, from: 0) != nil
            }
        }
        return fast ?? text.contains(needle)
    }

    /// Attaches each `**Changed:**` replacement to the changes whose code contains its new value (or the first
    /// change after it).
    mutating func attachReplacements() {
        for (r, line) in replacements {
            let matching = incident.changes.indices.filter { incident.changes[$0].role != .before && Self.contains(incident.changes[$0].code, r.to) }
            if !matching.isEmpty {
                for i in matching where incident.changes[i].replacement == nil { incident.changes[i].replacement = r }
            } else if let i = incident.changes.firstIndex(where: { $0.range.start.line > line }) ?? incident.changes.indices.first {
                incident.changes[i].replacement = r
            }
        }
    }
}
