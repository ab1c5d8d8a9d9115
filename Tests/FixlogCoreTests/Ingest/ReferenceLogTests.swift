import Foundation
import Testing
@testable import FixlogCore

/// The log fixlog was first asked for (`../shared/seed/DOCKERFILE_FIXES.md`, or `FIXLOG_SEED`).
@Suite(.enabled(if: TestSupport.seedAvailable, "reference log not found at ../shared/seed/DOCKERFILE_FIXES.md; set FIXLOG_SEED"))
struct ReferenceLogTests {
    let log: FixLog

    init() {
        log = FixLogIngester.load(path: TestSupport.seedLog.path, displayPath: "DOCKERFILE_FIXES.md")
    }

    @Test func twoRecordsInDocumentOrder() {
        #expect(log.incidents.map(\.number) == [2, 1])
        #expect(log.incidents.map(\.title) == ["CI/CD PyTorch Layer Size Issue", "Dependency Conflict Fix"])
        #expect(log.incidents.map(\.date) == ["2025-10-13", "2025-01-13"])
        #expect(log.incidents.map(\.shape) == [.fixHeading, .fixHeading])
        #expect(log.preamble.title == "Dockerfile Fixes Documentation")
        #expect(!log.diagnostics.hasErrors)
    }

    @Test func fix2() throws {
        let fix = try #require(log.incidents.first)
        #expect(fix.summary?.hasPrefix("GitHub Actions Podman build failing") == true)
        #expect(fix.changes.map { $0.lineRef?.span } == [LineSpan(first: 1, last: 25), LineSpan(first: 27, last: 49)])
        #expect(fix.changes.map(\.label) == ["Builder Stage", "Runtime Stage"])
        #expect(fix.changes.map(\.stage) == ["Builder Stage", "Runtime Stage"])
        #expect(fix.rootCauses.count == 4)
        #expect(fix.rootCauses.first?.title == "Massive single layer")
        #expect(fix.alternatives.count == 4)
        #expect(fix.impact.count == 4)
        #expect(fix.impact.first?.metric == "Build time")
        #expect(fix.verifications.count == 1)
        let expected = try #require(fix.verifications.first).expectedOutput
        #expect(expected.map(\.text) == ["2.6.0", "True"])
        #expect(expected.map(\.condition) == [nil, "if CUDA GPU available"])
        // The author's annotations became structure: the old base image, the new one, the removed install.
        let builder = fix.changes[0]
        #expect(builder.annotations.map(\.kind) == [.old, .new, .removed])
        #expect(builder.lines.filter { $0.role == .present }.map(\.content)
                == ["FROM pytorch/pytorch:2.6.0-cuda12.4-cudnn9-runtime AS builder"])
        #expect(builder.lines.filter { $0.role == .absent }.first?.content == "RUN pip install --no-cache-dir \\")
        #expect(builder.replacement?.from == "nvidia/cuda:12.4.1-runtime-ubuntu22.04")
        #expect(builder.replacement?.to == "pytorch/pytorch:2.6.0-cuda12.4-cudnn9-runtime")
    }

    @Test func fix1() throws {
        let fix = try #require(log.incidents.last)
        #expect(fix.summary == "Dependency hell with numpy versions causing build failures")
        #expect(fix.changes.map { $0.lineRef?.span } == [
            LineSpan(line: 21), LineSpan(first: 32, last: 33), LineSpan(first: 40, last: 45), nil, nil,
        ])
        #expect(fix.changes.prefix(3).map(\.file) == ["Dockerfile", "Dockerfile", "Dockerfile"])
        #expect(fix.changes.suffix(2).map(\.label) == ["Builder Stage Changes", "Runtime Stage Changes"])
        #expect(fix.changes.map { $0.lineRef?.text } == ["line 21", "lines 32-33", "lines 40-45", nil, nil])
        // "## Problem" at the record's own level belongs to Fix #1.
        #expect(fix.sections.map(\.kind).prefix(3) == [.problem, .rootCause, .solution])
        #expect(fix.rootCauses.count == 3)
        #expect(fix.lessons.count == 4)
        #expect(fix.result.count == 5)
        // A trailing "# <--- ADDED THIS LINE" marker is an annotation, not part of the instruction.
        let builderChanges = fix.changes[3]
        #expect(builderChanges.annotations.contains { $0.kind == .added })
        #expect(builderChanges.lines.contains { $0.content == "RUN rm -f /wheels/numpy-*.whl" })
    }
}
