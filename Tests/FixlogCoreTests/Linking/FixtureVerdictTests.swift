import Foundation
import Testing
@testable import FixlogCore

/// The dockerfile-history fixture's EXPECTED.md, checked with a hand-built log (independent of the ingester).
@Suite struct FixtureVerdictTests {
    struct Row {
        var status: CheckStatus
        var actual: String   // "—" or "3" or "33-37"
        var suggested: String?
        init(_ status: CheckStatus, _ actual: String, _ suggested: String? = nil) {
            self.status = status
            self.actual = actual
            self.suggested = suggested
        }
    }

    /// Keyed "#4/0".
    static let expected: [String: [String: Row]] = [
        "01-before-fixes": [
            "#4/0": Row(.violated, "3"), "#4/1": Row(.violated, "17"), "#3/0": Row(.violated, "*"),
            "#2/0": Row(.superseded, "—"), "#2/1": Row(.missing, "—"), "#1/0": Row(.violated, "—"),
            "#1/1": Row(.changed, "14"), "#1/2": Row(.changed, "28-29"),
        ],
        "02-after-fix-1": [
            "#4/0": Row(.violated, "3"), "#4/1": Row(.violated, "18"), "#3/0": Row(.violated, "*"),
            "#2/0": Row(.superseded, "—"), "#2/1": Row(.missing, "—"), "#1/0": Row(.holds, "—", "Dockerfile:15"),
            "#1/1": Row(.holds, "15", "Dockerfile:15"), "#1/2": Row(.holds, "29-31", "lines 29-31"),
        ],
        "03-current": current,
        "04-moved": [
            "#4/0": Row(.holds, "10", "lines 1-15"), "#4/1": Row(.holds, "25", "lines 17-45"),
            "#3/0": Row(.moved, "40-44", "lines 40-44"), "#2/0": Row(.superseded, "—"),
            "#2/1": Row(.moved, "47", "47"), "#1/0": Row(.holds, "—", "Dockerfile:15"),
            "#1/1": Row(.moved, "22", "Dockerfile:22"), "#1/2": Row(.moved, "36-38", "lines 36-38"),
        ],
        "05-changed": current.merging(["#3/0": Row(.changed, "33-37")]) { $1 },
        "06-regression": current.merging([
            "#4/1": Row(.violated, "18"), "#3/0": Row(.missing, "33-36"), "#2/0": Row(.moved, "37", "line 37"),
        ]) { $1 },
        "07-normalised": current,
    ]

    static let current: [String: Row] = [
        "#4/0": Row(.holds, "3", "lines 1-15"), "#4/1": Row(.holds, "18", "lines 17-45"),
        "#3/0": Row(.holds, "33-37", "lines 33-37"), "#2/0": Row(.superseded, "—"),
        "#2/1": Row(.holds, "40", "40"), "#1/0": Row(.holds, "—", "Dockerfile:15"),
        "#1/1": Row(.holds, "15", "Dockerfile:15"), "#1/2": Row(.holds, "29-31", "lines 29-31"),
    ]

    static func check(_ state: String) -> CheckReport {
        CrossLinker.check(log: TestLog.fixtureLog(), logPath: TestLog.fixtureRoot + "/DOCKERFILE_FIXES.md",
                          root: TestLog.fixtureRoot,
                          dockerfileOverride: TestLog.fixtureRoot + "/states/\(state)/Dockerfile",
                          logDisplayPath: "DOCKERFILE_FIXES.md")
    }

    @Test(arguments: expected.keys.sorted())
    func verdicts(state: String) throws {
        let report = Self.check(state)
        let rows = try #require(Self.expected[state])
        #expect(report.results.count == 8)
        for r in report.results {
            let key = "#\(r.incident ?? 0)/\(r.change)"
            let row = try #require(rows[key])
            #expect(r.status == row.status, "\(state) \(key): \(r.status) ≠ \(row.status)\n\(r.claims.map { "\($0.status) \($0.instruction) \($0.detail ?? "")" }.joined(separator: "\n"))")
            if row.actual != "*" {
                #expect((r.actualLines?.description ?? "—") == row.actual, "\(state) \(key) actual")
            }
            #expect(r.suggestedLineRef == row.suggested, "\(state) \(key) suggestion")
        }
        let supersededBy = report.results.first { $0.incident == 2 && $0.change == 0 }?.supersededBy?.incident
        if report.results.first(where: { $0.incident == 2 && $0.change == 0 })?.status == .superseded {
            #expect(supersededBy == 4)
        }
    }

    @Test func normalisationsOfTheNormalisedState() throws {
        let report = Self.check("07-normalised")
        func norms(_ incident: Int, _ change: Int, _ instruction: String) -> Set<Normalisation> {
            let r = report.results.first { $0.incident == incident && $0.change == change }
            return Set(r?.claims.first { $0.kind == .present && $0.instruction.hasPrefix(instruction) }?.normalisations ?? [])
        }
        #expect(norms(4, 0, "FROM python") == [.keywordCase, .imageReference])
        #expect(norms(4, 1, "FROM python") == [.imageReference])
        #expect(norms(3, 0, "RUN useradd") == [.keywordCase, .continuation, .trailingComment])
        #expect(norms(3, 0, "USER app") == [.keywordCase])
        #expect(norms(2, 1, "ENV") == [.keywordCase, .whitespace])
        #expect(norms(1, 1, "RUN pip wheel") == [.keywordCase, .whitespace, .trailingComment])
        #expect(norms(1, 2, "COPY") == [.flagOrder])
        #expect(norms(1, 2, "RUN pip install") == [.continuation])
    }

    @Test func changedClaimCarriesAWordDiff() throws {
        let report = Self.check("05-changed")
        let r = try #require(report.results.first { $0.incident == 3 })
        let useradd = try #require(r.claims.first { $0.instruction.hasPrefix("RUN useradd") })
        #expect(useradd.status == .changed)
        #expect(useradd.diff?.plain.contains("[-1000-] {+10001+}") == true)
        #expect(r.claims.filter { $0.status == .holds }.count == 4)
    }
}
