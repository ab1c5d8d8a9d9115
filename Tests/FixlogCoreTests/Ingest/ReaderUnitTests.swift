import Testing
@testable import FixlogCore

@Suite struct LineReferenceReaderTests {
    func spans(_ text: String) -> [String] {
        LineReferenceReader.scan(text).found.map { "\($0.first)-\($0.last)" }
    }

    @Test(arguments: [
        ("#### Builder Stage (lines 1-25)", ["1-25"]),
        ("**File:** `Dockerfile` (line 21)", ["21-21"]),
        ("(lines 24–31)", ["24-31"]),
        ("lines 24—31", ["24-31"]),
        ("see line 63-64", ["63-64"]),
        ("Lines 36 to 43", ["36-43"]),
        ("Dockerfile:21", ["21-21"]),
        ("backend/Dockerfile.prod:21-25", ["21-25"]),
        ("[Dockerfile#L21-L25](x)", ["21-25"]),
        ("see #L21", ["21-21"]),
        ("L21-L25", ["21-25"]),
        ("(Line 70 Fix)", ["70-70"]),
        ("# Before (Lines 36-43):", ["36-43"]),
        ("**Line:** **61**", ["61-61"]),
    ])
    func readsEveryForm(_ text: String, _ expected: [String]) {
        #expect(spans(text) == expected, "\(text)")
    }

    @Test(arguments: [
        "# syntax=docker/dockerfile:1", "Lines changed: ~30 lines", "all-MiniLM-L6-v2", "Step 1/16", "localhost:8000",
        "chown 1000:1000", "the pipeline 3 times", "inline 4", "deadline 2025", "~30 lines", "lines of code",
        "python3.11:3", "line-height: 20px", "v1.2 linear 5", "a 2.5 line budget",
    ])
    func ignoresDecoys(_ text: String) {
        #expect(LineReferenceReader.scan(text).found.isEmpty, "\(text)")
        #expect(LineReferenceReader.scan(text).unreadable.isEmpty, "\(text)")
    }

    @Test func reportsUnreadableReferences() {
        #expect(LineReferenceReader.scan("lines 99999999999-1").unreadable.count == 1)
        #expect(LineReferenceReader.scan("lines 30-12").unreadable.first?.reason.contains("before it starts") == true)
        #expect(LineReferenceReader.scan("line 0").unreadable.count == 1)
        #expect(LineReferenceReader.scan("lines 2000000-2000001").unreadable.count == 1)
    }

    @Test func locatesTheReferenceText() throws {
        let found = try #require(LineReferenceReader.scan("#### Builder Stage (lines 1-25)").found.first)
        #expect(found.text == "lines 1-25")
        #expect(found.byteRange == 20..<30)
        let field = LineReferenceReader.readValue(" 61–64 ")
        #expect(field.found.first.map { "\($0.first)-\($0.last)" } == "61-64")
        #expect(LineReferenceReader.readValue("see below").found.isEmpty)
    }
}

@Suite struct TitleReaderTests {
    @Test(arguments: [
        ("Fix #2: CI/CD PyTorch Layer Size Issue (2025-10-13)", "CI/CD PyTorch Layer Size Issue", 2, nil, "2025-10-13"),
        ("🐳 Issue 3: node_modules Reinstalled — ✅ FIXED", "node_modules Reinstalled", 3, "FIXED", nil),
        ("**Error 1: Permission Denied (FIXED ✅)**", "Permission Denied", 1, "FIXED", nil),
        ("3. Upgrade to PHP 8.2 (Dockerfile.php82)", "Upgrade to PHP 8.2 (Dockerfile.php82)", 3, nil, nil),
        ("2) Fix healthcheck port (Line 70 Fix)", "Fix healthcheck port (Line 70 Fix)", 2, nil, nil),
        ("Fix 4 - Pin numpy [RESOLVED] (Jan 9, 2025)", "Pin numpy", 4, "RESOLVED", "2025-01-09"),
        ("Fixes for the build", "Fixes for the build", nil, nil, nil),
        ("Issue #12 - 2025/03/07 - DNS timeouts", "DNS timeouts", 12, nil, "2025-03-07"),
        ("1.5 upgrade notes", "1.5 upgrade notes", nil, nil, nil),
    ] as [(String, String, Int?, String?, String?)])
    func parsesHeadings(_ heading: String, _ title: String, _ number: Int?, _ status: String?, _ date: String?) {
        let p = TitleReader.parse(heading)
        #expect(p.title == title)
        #expect(p.numbering?.number == number)
        #expect(p.status == status)
        #expect(p.date == date)
    }

    @Test func invalidDatesAreNotDates() {
        let p = TitleReader.parse("Fix #1: Broken cache (2025-02-30)")
        #expect(p.date == nil)
        #expect(p.invalidDates == ["2025-02-30"])
    }
}

@Suite struct DateReaderTests {
    @Test(arguments: [
        ("2025-10-13", "2025-10-13"), ("on 2025/1/9 we", "2025-01-09"), ("October 13, 2025", "2025-10-13"),
        ("Oct. 3rd 2025", "2025-10-03"), ("13 October 2025", "2025-10-13"), ("2024-02-29", "2024-02-29"),
        ("2025年10月13日", "2025-10-13"),
    ])
    func readsDates(_ text: String, _ iso: String) {
        #expect(DateReader.firstDate(in: text).match?.iso == iso)
    }

    @Test(arguments: ["2025-02-29", "2025-13-01", "v2025.10", "(Dockerfile.php82)", "Line 70 Fix", "1.25.2", "Step 1/16"])
    func rejectsNonDates(_ text: String) {
        #expect(DateReader.firstDate(in: text).match == nil)
    }
}

@Suite struct CodeAnnotationReaderTests {
    @Test func removedBlockBecomesAbsentInstructions() {
        let code = """
            FROM python:3.11-slim AS builder

            # REMOVED: the second install
            # RUN pip install \\
            #   torch==2.6.0
            # just a comment
            RUN echo ok
            """
        let out = CodeAnnotationReader.read(code: code, isDiff: false, wholeBlockAbsent: false)
        #expect(out.lines.filter { $0.role == .absent }.map(\.content) == ["RUN pip install \\", "  torch==2.6.0"])
        #expect(out.lines.filter { $0.role == .present }.map(\.content) == ["FROM python:3.11-slim AS builder", "RUN echo ok"])
        #expect(out.annotations.map(\.kind) == [.removed])
    }

    @Test func beforeAndAfterHalves() {
        let code = """
            # ❌ Wrong
            RUN pip install numpy==2.0
            # ✅ Correct
            RUN pip install "numpy<1.26"
            """
        let out = CodeAnnotationReader.read(code: code, isDiff: false, wholeBlockAbsent: false)
        #expect(out.lines.filter { $0.role == .absent }.map(\.content) == ["RUN pip install numpy==2.0"])
        #expect(out.lines.filter { $0.role == .present }.map(\.content) == ["RUN pip install \"numpy<1.26\""])
    }

    @Test func oldValueAnnotatesWithoutSwitchingHalves() {
        let out = CodeAnnotationReader.read(code: "# OLD: nvidia/cuda:12\n# NEW: pytorch/pytorch:2\nFROM pytorch/pytorch:2\n",
                                            isDiff: false, wholeBlockAbsent: false)
        #expect(out.annotations.map(\.text) == ["nvidia/cuda:12", "pytorch/pytorch:2"])
        #expect(out.lines.filter { $0.role == .present }.count == 1)
    }

    @Test func trailingMarkersAreStripped() {
        let out = CodeAnnotationReader.read(code: "RUN rm -f /wheels/numpy-*.whl  # <--- ADDED THIS LINE\nRUN a # shell comment\n",
                                            isDiff: false, wholeBlockAbsent: false)
        #expect(out.lines.map(\.content) == ["RUN rm -f /wheels/numpy-*.whl", "RUN a # shell comment"])
        #expect(out.annotations.map(\.kind) == [.added])
    }

    @Test func diffSides() {
        let out = CodeAnnotationReader.read(code: "@@ -1,2 +1,2 @@\n-FROM node:18\n+FROM node:20\n RUN npm ci\n",
                                            isDiff: true, wholeBlockAbsent: false)
        #expect(out.lines.map(\.role) == [.comment, .absent, .present, .present])
        #expect(out.lines[1].content == "FROM node:18")
    }

    @Test func proseCommentsAreNotMarkers() {
        #expect(CodeAnnotationReader.marker(in: "# Before installing deps, update pip") == nil)
        #expect(CodeAnnotationReader.marker(in: "# Newer versions need this") == nil)
        #expect(CodeAnnotationReader.marker(in: "# Before (Lines 36-43)")?.kind == .old)
        #expect(CodeAnnotationReader.marker(in: "# After")?.kind == .new)
    }
}

@Suite struct ExpectedOutputReaderTests {
    @Test func commentBlock() {
        let r = ExpectedOutputReader.read(code: "python -c 'x'\n\n# Expected output:\n# 2.6.0\n# True (if CUDA GPU available)\n",
                                          language: "bash", firstLine: 10)
        #expect(r.expected.map(\.text) == ["2.6.0", "True"])
        #expect(r.expected.map(\.condition) == [nil, "if CUDA GPU available"])
        #expect(r.expected.first?.range?.start.line == 13)
    }

    @Test func inlineExpectation() {
        let r = ExpectedOutputReader.read(code: "grep -c x f  # not a marker\n# Expected: 0\n", language: "bash", firstLine: 1)
        #expect(r.expected.map(\.text) == ["0"])
    }

    @Test func consoleTranscript() {
        let r = ExpectedOutputReader.read(code: "$ echo hi\nhi\n$ uname\nLinux\n", language: "console", firstLine: 1)
        #expect(r.script == "echo hi\nuname\n")
        #expect(r.expected.map(\.text) == ["hi", "Linux"])
    }

    @Test func conditionsSplitOnlyOnConditionWords() {
        #expect(ExpectedOutputReader.splitCondition("True (if CUDA GPU available)").condition == "if CUDA GPU available")
        #expect(ExpectedOutputReader.splitCondition("ok (3 files)").condition == nil)
        #expect(ExpectedOutputReader.splitCondition("(when podman installed)").condition == nil)
    }

    @Test func outputLookingBlocks() {
        #expect(ExpectedOutputReader.looksLikeOutput("ERROR: Cannot install accelerate==1.10.1\nThe conflict is caused by:\n"))
        #expect(!ExpectedOutputReader.looksLikeOutput("docker build -t x .\npodman run --rm x\n"))
    }

    @Test func options() {
        #expect(ExpectedOutputReader.options(fromInfo: "bash timeout=30s requires=podman skip")
                == ["timeout": "30s", "requires": "podman", "skip": "true"])
        #expect(ExpectedOutputReader.options(fromComment: "<!-- fixlog: exit=1 env=TOKEN -->") == ["exit": "1", "env": "TOKEN"])
        #expect(ExpectedOutputReader.options(fromInfo: "bash {timeout=30s, requires=podman,make}")
                == ["timeout": "30s", "requires": "podman,make"])
        #expect(ExpectedOutputReader.options(fromInfo: "sh timeout=5s,skip") == ["timeout": "5s", "skip": "true"])
        #expect(ExpectedOutputReader.options(fromComment: "<!-- just a comment -->") == nil)
    }
}
