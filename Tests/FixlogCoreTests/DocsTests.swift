import Foundation
import Testing
@testable import FixlogCore

@Suite struct DocsTests {
    /// docs/diagnostics.md is generated from the catalog; regenerate with
    /// `swift run fixlog diagnostics --markdown > docs/diagnostics.md` (or FIXLOG_RECORD=1 swift test).
    @Test func diagnosticsReferenceIsCurrent() throws {
        let url = TestSupport.packageRoot.appendingPathComponent("docs/diagnostics.md")
        let generated = DiagnosticsReference.markdown()
        if TestSupport.recording { try generated.write(to: url, atomically: true, encoding: .utf8) }
        let current = try String(contentsOf: url, encoding: .utf8)
        #expect(current == generated, "docs/diagnostics.md is stale: run 'swift run fixlog diagnostics --markdown > docs/diagnostics.md'")
    }

    @Test func everyIdIsDocumentedOnce() {
        let ids = DiagnosticID.catalog.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.rawValue.allSatisfy { $0.isLowercase || $0 == "-" || $0.isNumber } })
    }
}
