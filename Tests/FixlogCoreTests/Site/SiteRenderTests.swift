import Foundation
import Testing
@testable import FixlogCore

/// The compiled renderer (SiteMustache) against swift-mustache, the reference it must match byte for byte.
@Suite("Site renderer")
struct SiteRenderTests {
    @Test("the built-in templates compile")
    func builtInCompiles() throws {
        #expect(try SiteFixture.templates().compiled != nil)
    }

    @Test("every fixture site: the compiled renderer gives swift-mustache's bytes", arguments: [
        ("voice-backend", true, SiteOptions(baseURL: "https://example.org/fixes")),
        ("voice-backend", false, SiteOptions(unsafeHTML: true)),
        ("hostile", false, SiteOptions()),
        ("hostile", false, SiteOptions(title: "<b>x</b> & \"y\"", unsafeHTML: true)),
        ("dockerfile-history", false, SiteOptions()),
        ("busybox-app", false, SiteOptions()),
    ])
    func sameBytes(project: String, withResults: Bool, options: SiteOptions) throws {
        let templates = try SiteFixture.templates()
        let input = try SiteFixture.input(project: project, results: withResults ? SiteFixture.voiceBackendResults : nil,
                                          options: options)
        let fast = try SiteBuilder.render(input, templates: templates)
        let reference = try SiteBuilder.render(input, templates: templates.reference)
        #expect(fast.keys.sorted() == reference.keys.sorted())
        for (path, bytes) in reference.sorted(by: { $0.key < $1.key }) {
            #expect(fast[path] == bytes, "\(project): \(path) differs")
        }
    }

    @Test("the search index equals JSONEncoder's, escaped")
    func searchIndex() throws {
        for project in ["voice-backend", "hostile"] {
            let input = try SiteFixture.input(project: project)
            let context = RenderContext(input: input, model: SiteModel.build(input), templates: try SiteFixture.templates())
            let fast = try context.searchIndex()
            let reference = try context.searchIndexReference()
            #expect(fast.json == reference.json, "\(project)")
            #expect(fast.script == reference.script, "\(project)")
        }
    }

    /// Renders `template` as the index page (with `partials/record-row` = `row` and a small badges partial)
    /// through both renderers of one loaded template set.
    func both(_ template: String, row: String = "<{{rowNumber}}>\n") throws -> (fast: [UInt8]?, reference: [UInt8]?, compiled: Bool) {
        try TestSupport.withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("partials"), withIntermediateDirectories: true)
            try Data(template.utf8).write(to: dir.appendingPathComponent("index.mustache"))
            try Data(row.utf8).write(to: dir.appendingPathComponent("partials/record-row.mustache"))
            try Data("[{{badgeLabel}}]".utf8).write(to: dir.appendingPathComponent("partials/badges.mustache"))
            let templates = try SiteTemplates.load(base: SiteFixture.templatesDirectory, override: dir.path)
            let vm = Self.index
            let fast = templates.compiled?.render(vm, template: "index")
            let reference = templates.library.render(vm, withTemplate: "index").map { Array($0.utf8) }
            return (fast, reference, templates.compiled != nil)
        }
    }

    static let index: IndexVM = {
        let vm = IndexVM(
            records: [
                RecordRowVM(rowHref: "r/1.html", rowNumber: "#1", rowTitle: "A <b> & \"q\" 'x'", rowDate: "2025-01-02",
                            rowSummary: "<em>s</em>", rowCheck: BadgeVM(badgeKind: "check", badgeStatus: "holds", badgeLabel: "holds", badgeTitle: "t"),
                            rowVerify: BadgeVM(badgeKind: "verify", badgeStatus: "none", badgeLabel: "no steps", badgeTitle: "u")),
                RecordRowVM(rowHref: "r/2.html", rowNumber: "#2", rowTitle: "B", rowDate: nil, rowSummary: nil,
                            rowCheck: BadgeVM(badgeKind: "check", badgeStatus: "moved", badgeLabel: "moved", badgeTitle: "t"),
                            rowVerify: BadgeVM(badgeKind: "verify", badgeStatus: "failed", badgeLabel: "failed", badgeTitle: "u")),
            ],
            hasRecords: true, recordCount: 2, changeTotals: [TotalVM(totalLabel: "holds", totalCount: 3, totalStatus: "holds")],
            stepTotals: [], filters: [], dockerfileLinks: [], hasDockerfiles: false, introHTML: "<p>i & \"j\"</p>")
        return vm
    }()

    @Test("templates: standalone lines, whitespace, comments, sections, partials, dotted names, escaping", arguments: [
        "{{#records}}\n  {{rowTitle}}\n{{/records}}\n",
        "{{#hasRecords}}\r\nA\r\n  {{/hasRecords}}  \r\nB\r\n",
        "  {{! comment }}\nX {{! c }} Y\n  {{!\nmulti\nline}}  \nZ",
        "a{{\nb {{ recordCount\n}}\n",
        "x\n   ",
        "  \n\t\n",
        "{{#records}}{{rowCheck.badgeStatus}}/{{rowVerify.badgeLabel}};{{/records}}",
        "{{^filters}}none{{/filters}}{{^introHTML}}x{{/introHTML}}{{^hasDockerfiles}}nod{{/hasDockerfiles}}{{^records}}r{{/records}}",
        "{{{introHTML}}}|{{&introHTML}}|{{introHTML}}|{{ introHTML }}|{{{ introHTML }}}",
        "{{recordCount}} {{hasRecords}} {{hasDockerfiles}} [{{nope}}] [{{#nope}}x{{/nope}}]",
        "{{#records}}\n{{> partials/record-row}}\n{{/records}}\n{{#records}}{{>partials/record-row}}{{/records}}",
        "{{#records}}{{#rowCheck}}{{badgeLabel}} {{rowTitle}} {{recordCount}}{{/rowCheck}}{{/records}}",
        "  {{#hasRecords}}  \n  y\n  {{/hasRecords}}  \n{{#hasRecords}} a {{/hasRecords}} \n",
        "{{#records}}{{#rowDate}}{{.}}|{{rowDate}}{{/rowDate}}{{^rowDate}}undated{{/rowDate}}{{/records}}",
        "{{#records}}{{> partials/badges}}{{#rowCheck}}{{> partials/badges}}{{/rowCheck}}{{/records}}",
        "{{#changeTotals}}{{totalCount}}{{#totalCount}}!{{.}}{{/totalCount}}{{/changeTotals}}",
        "é {{rowTitle}} ünïcødé {{#records}}{{rowTitle}}—{{/records}}\n",
        "{{#records}}\n{{#rowSummary}}\n<p>{{{rowSummary}}}</p>\n{{/rowSummary}}\n{{/records}}",
        "{ {x} }} {{#hasRecords}}{{/hasRecords}}{ }",
    ])
    func templateCases(_ template: String) throws {
        let (fast, reference, compiled) = try both(template)
        #expect(compiled, "should compile: \(template.debugDescription)")
        #expect(fast == reference, "\(template.debugDescription): \(String(decoding: fast ?? [], as: UTF8.self).debugDescription) vs \(String(decoding: reference ?? [], as: UTF8.self).debugDescription)")
    }

    @Test("a partial that includes itself stops at a fixed depth instead of overflowing the stack")
    func recursivePartial() throws {
        let compiled = try #require(SiteMustache(["index": "{{> loop}}", "loop": "x{{> loop}}"]))
        let out = try #require(compiled.render(Self.index, template: "index"))
        #expect(out == Array(String(repeating: "x", count: SiteMustache.maximumPartialDepth).utf8))
    }

    @Test("templates using other Mustache features fall back to swift-mustache", arguments: [
        "{{=<% %>=}}<% recordCount %>",
        "{{uppercased(introHTML)}}",
        "{{#records}}\n  {{> partials/record-row}}\n{{/records}}",
        "{{<row}}{{/row}}",
        "{{.recordCount}}",
        "{{%CONTENT_TYPE:TEXT}}",
        "a\u{0B}b",
        "a\rb",
        "{\u{301}{x}}",
    ])
    func unsupported(_ template: String) {
        #expect(SiteMustache(["index": template]) == nil, "\(template.debugDescription)")
        if let (_, _, compiled) = try? both(template) { #expect(!compiled) }
    }
}
