import Foundation
@testable import FixlogCore

/// Builds model values by hand (the way the ingester would), so linking can be tested on its own.
enum TestLog {
    /// A documented change from code; roles and annotations are derived like the ingester does.
    static func change(_ code: String, label: String = "Change", stage: String? = nil,
                       lineRef: (first: Int, last: Int, text: String, line: Int)? = nil, role: ChangeRole = .after,
                       file: String? = nil, replacement: (from: String, to: String)? = nil, start: Int = 10,
                       language: String? = "dockerfile") -> DocumentedChange {
        var lines: [CodeLine] = []
        var annotations: [Annotation] = []
        var inRemoved = false
        for (i, raw) in code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = i + 1
            let text = String(raw)
            let t = text.trimmingCharacters(in: .whitespaces)
            if role == .diff {
                if text.hasPrefix("-") { lines.append(CodeLine(text: text, content: String(text.dropFirst()), role: .absent, line: n)); continue }
                if text.hasPrefix("+") { lines.append(CodeLine(text: text, content: String(text.dropFirst()), role: .present, line: n)); continue }
            }
            if t.isEmpty { inRemoved = false; lines.append(CodeLine(text: text, content: "", role: .blank, line: n)); continue }
            if t.hasPrefix("# OLD:") {
                annotations.append(Annotation(kind: .old, text: String(t.dropFirst(6)).trimmingCharacters(in: .whitespaces), line: n))
                lines.append(CodeLine(text: text, content: text, role: .comment, line: n)); continue
            }
            if t.hasPrefix("# NEW:") {
                annotations.append(Annotation(kind: .new, text: String(t.dropFirst(6)).trimmingCharacters(in: .whitespaces), line: n))
                lines.append(CodeLine(text: text, content: text, role: .comment, line: n)); continue
            }
            if t.hasPrefix("# REMOVED:") {
                annotations.append(Annotation(kind: .removed, text: String(t.dropFirst(10)).trimmingCharacters(in: .whitespaces), line: n))
                inRemoved = true
                lines.append(CodeLine(text: text, content: text, role: .comment, line: n)); continue
            }
            if t.hasPrefix("#") {
                if inRemoved {
                    var content = String(t.dropFirst())
                    if content.hasPrefix(" ") { content.removeFirst() }
                    lines.append(CodeLine(text: text, content: content, role: .absent, line: n)); continue
                }
                lines.append(CodeLine(text: text, content: text, role: .comment, line: n)); continue
            }
            if let r = text.range(of: "# <---") {
                annotations.append(Annotation(kind: .added, text: String(text[r.upperBound...]), line: n))
                var content = String(text[..<r.lowerBound])
                while content.last == " " { content.removeLast() }
                lines.append(CodeLine(text: text, content: content, role: .present, line: n)); continue
            }
            lines.append(CodeLine(text: text, content: text, role: role == .before ? .absent : .present, line: n))
        }
        let ref = lineRef.map {
            LineReference(first: $0.first, last: $0.last, text: $0.text,
                          range: SourceRange(start: SourceLocation(line: $0.line, column: 1),
                                             end: SourceLocation(line: $0.line, column: 1 + $0.text.utf8.count)),
                          origin: .heading)
        }
        let repl = replacement.map { Replacement(subject: "Base image", from: $0.from, to: $0.to, range: SourceRange(line: start - 2)) }
        let count = code.split(separator: "\n", omittingEmptySubsequences: false).count
        return DocumentedChange(label: label, file: file, stage: stage, lineRef: ref, language: language, code: code,
                                role: role, annotations: annotations, lines: lines, replacement: repl,
                                range: SourceRange(start: SourceLocation(line: start - 1, column: 1),
                                                   end: SourceLocation(line: start + count + 1, column: 1)),
                                contentStartLine: start)
    }

    static func incident(_ number: Int?, date: String? = nil, title: String = "Fix", line: Int = 1,
                         changes: [DocumentedChange]) -> Incident {
        let r = SourceRange(line: line)
        return Incident(number: number, title: title, date: date, shape: .fixHeading,
                        heading: HeadingRef(text: title, level: 2, range: r), range: r, changes: changes)
    }

    static func log(_ incidents: [Incident]) -> FixLog {
        FixLog(source: "", preamble: Preamble(title: nil, range: SourceRange(line: 1)), incidents: incidents,
               diagnostics: [], layout: TextLayout(lineEnding: .lf, hasBOM: false, endsWithNewline: true, lineCount: 1))
    }

    /// A fresh temporary directory (removed by the caller with `cleanup`).
    static func temporaryDirectory() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixlog-linking-" + UUID().uuidString).path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ text: String, to path: String) {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    /// Package root, from this file's path.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let fixtureRoot = packageRoot + "/fixtures/projects/dockerfile-history"

    /// The dockerfile-history fixture's log, built by hand from its Markdown (log line numbers as in the file).
    static func fixtureLog() -> FixLog {
        let c40 = change("""
            # OLD: python:3.10-slim
            # NEW: python:3.11-slim-bookworm
            FROM python:3.11-slim-bookworm AS builder
            """, label: "Builder Stage", stage: "Builder Stage", lineRef: (1, 15, "lines 1-15", 29),
            replacement: ("python:3.10-slim", "python:3.11-slim-bookworm"), start: 34)
        let c41 = change("""
            # OLD: python:3.10-slim
            # NEW: python:3.11-slim-bookworm
            FROM python:3.11-slim-bookworm

            # REMOVED: model download at build time (the model comes from the embed-models volume now)
            # RUN python -c "from sentence_transformers import SentenceTransformer; SentenceTransformer('${MODEL_NAME}')"
            """, label: "Runtime Stage", stage: "Runtime Stage", lineRef: (17, 45, "lines 17-45", 39), start: 42)
        let c30 = change("""
            -RUN mkdir -p /models && chmod -R 777 /models
            -COPY app/ ./app/
            +RUN useradd --create-home --uid 1000 app \\
            +    && mkdir -p /models \\
            +    && chown -R app:app /models
            +COPY --chown=app:app app/ ./app/
            +USER app
            """, label: "Solution: Run as an Unprivileged User", lineRef: (33, 37, "lines 33-37", 95), role: .diff,
            file: "Dockerfile", start: 98, language: "diff")
        let c20 = change("""
            # Download the model at build time so the first request never waits for huggingface.co
            RUN python -c "from sentence_transformers import SentenceTransformer; SentenceTransformer('${MODEL_NAME}')"  # <--- ADDED THIS LINE
            """, label: "Step 1: Bake the model into the image", lineRef: (34, 34, "line 34", 143), file: "Dockerfile", start: 146)
        let c21 = change("ENV HF_HUB_OFFLINE=1", label: "Step 2: Never call the Hub at runtime",
                         lineRef: (40, 40, "40", 152), start: 155)
        let c10 = change("RUN pip wheel -r requirements.txt -w /wheels", label: "Builder Stage", stage: "Builder Stage",
                         lineRef: (15, 15, "Dockerfile:15", 190), role: .before, file: "Dockerfile", start: 194)
        let c11 = change("RUN pip wheel --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt -w /wheels",
                         label: "Builder Stage", stage: "Builder Stage", lineRef: (15, 15, "Dockerfile:15", 190),
                         file: "Dockerfile", start: 199)
        let c12 = change("""
            COPY --from=builder --link /wheels /wheels
            RUN pip install --no-cache-dir --no-index --find-links=/wheels /wheels/* \\
                && rm -rf /wheels
            """, label: "Runtime Stage", stage: "Runtime Stage", lineRef: (29, 31, "lines 29-31", 202), start: 205)
        return log([
            incident(4, date: "2025-03-03", title: "Python 3.11 Base Image", line: 5, changes: [c40, c41]),
            incident(3, date: "2025-02-18", title: "Container Ran as Root", line: 72, changes: [c30]),
            incident(2, date: "2025-02-04", title: "Model Download at Startup Timed Out", line: 120, changes: [c20, c21]),
            incident(1, date: "2025-01-21", title: "CUDA Torch Wheels", line: 168, changes: [c10, c11, c12]),
        ])
    }
}
