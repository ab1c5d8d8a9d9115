import Foundation
import Testing
@testable import FixlogCore

/// Builds sites from the fixture projects.
enum SiteFixture {
    static var templatesDirectory: String { TestSupport.packageRoot.appendingPathComponent("Templates/site").path }

    static func templates() throws -> SiteTemplates {
        try SiteTemplates.load(base: templatesDirectory)
    }

    /// Synthetic results for the voice-backend log: one of each interesting outcome, fixed timestamps.
    static let voiceBackendResults = VerificationResults(steps: [
        StepResult(incident: 5, record: 1, step: 1, title: "Healthcheck", label: "Verification Steps", log: "DOCKERFILE_FIXES.md",
                   line: 41, status: .passed, exitStatus: 0, durationMs: 120, startedAt: "2026-01-01T00:00:00.000Z",
                   outputExcerpt: "43:--start-period=120s\n", expectation: ExpectationOutcome(), inputsHash: "a",
                   environment: StepEnvironment(os: "TestOS 1")),
        StepResult(incident: 5, record: 1, step: 2, title: "Healthcheck", label: "Verification Steps", log: "DOCKERFILE_FIXES.md",
                   line: 50, status: .failed, reason: "expected output not found", exitStatus: 0, durationMs: 80,
                   startedAt: "2026-01-01T00:00:00.000Z", outputExcerpt: "docker version 27 <not podman> & more\n",
                   expectation: ExpectationOutcome(missingLines: ["podman version"]), inputsHash: "b"),
    ])

    static func input(project: String, results: VerificationResults? = nil, options: SiteOptions = SiteOptions()) throws -> SiteInput {
        let dir = TestSupport.fixtures.appendingPathComponent("projects/\(project)")
        let logPath = dir.appendingPathComponent("DOCKERFILE_FIXES.md").path
        let (text, diagnostics) = SourceText.load(path: logPath, displayPath: "DOCKERFILE_FIXES.md")
        let source = try #require(text, "\(diagnostics)")
        let log = FixLogIngester.ingest(source)
        let report = CrossLinker.check(log: log, logPath: logPath, root: dir.path, logDisplayPath: "DOCKERFILE_FIXES.md")
        return SiteInput(log: log, logText: source, logName: "DOCKERFILE_FIXES.md", report: report, results: results,
                         dockerfiles: SiteInput.loadDockerfiles(for: report), options: options)
    }

    static func render(project: String, results: VerificationResults? = nil, options: SiteOptions = SiteOptions()) throws -> [String: [UInt8]] {
        try SiteBuilder.render(input(project: project, results: results, options: options), templates: templates())
    }

    static func text(_ files: [String: [UInt8]]) -> [String: String] {
        files.mapValues { String(decoding: $0, as: UTF8.self) }
    }

    static func html(_ files: [String: [UInt8]]) -> [(String, String)] {
        text(files).filter { $0.key.hasSuffix(".html") }.sorted { $0.key < $1.key }
    }
}

@Suite("Site")
struct SiteTests {
    @Test("golden: the voice-backend site, every file")
    func golden() throws {
        let files = try SiteFixture.render(project: "voice-backend", results: SiteFixture.voiceBackendResults,
                                           options: SiteOptions(baseURL: "https://example.org/fixes"))
        let whole = SiteFixture.text(files).sorted { $0.key < $1.key }
            .map { "=== \($0.key) ===\n\($0.value)" }.joined(separator: "\n")
        TestSupport.assertGolden(whole, "site/voice-backend.txt")
        #expect(files.keys.sorted() == [
            "assets/fixlog.js", "assets/search-index.js", "assets/style.css", "dockerfiles/Dockerfile.html", "index.html",
            "records/fix-1.html", "records/fix-2.html", "records/fix-3.html", "records/fix-4.html", "records/fix-5.html",
            "search-index.json", "timeline.html",
        ])
    }

    @Test("the index lists every record newest first with totals and badges")
    func index() throws {
        let files = SiteFixture.text(try SiteFixture.render(project: "voice-backend", results: SiteFixture.voiceBackendResults))
        let index = try #require(files["index.html"])
        let positions = (1...5).reversed().map { n in index.range(of: "href=\"records/fix-\(n).html\"")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(index.contains("<span class=\"total-number\">5</span>"))
        #expect(index.contains("data-check=\"moved\""))
        #expect(index.contains("data-verify=\"failed\""))
        #expect(index.contains("data-filter=\"check:holds\""))
    }

    @Test("record pages: stale reference with correction, claims, verification collapsed, supersession both ways")
    func recordPages() throws {
        let files = SiteFixture.text(try SiteFixture.render(project: "voice-backend", results: SiteFixture.voiceBackendResults))
        let four = try #require(files["records/fix-4.html"])
        #expect(four.contains("<del>lines 35-38</del>"))
        #expect(four.contains("<ins>lines 37-40</ins>"))
        #expect(four.contains("Supersedes <a href=\"../records/fix-3.html\""))
        let three = try #require(files["records/fix-3.html"])
        #expect(three.contains("Superseded by <a href=\"../records/fix-4.html\""))
        let five = try #require(files["records/fix-5.html"])
        #expect(five.contains("<details class=\"step\" id=\"step-2\">"))
        #expect(five.contains("docker version 27 &lt;not podman&gt; &amp; more"))
        #expect(five.contains("<code>podman version</code>"))
        #expect(five.contains("href=\"../dockerfiles/Dockerfile.html#L43\""))
        // Sections rendered through cmark.
        #expect(five.contains("<h3>Root Cause</h3>"))
    }

    @Test("Dockerfile page: every line anchored, documented lines marked and linked back")
    func dockerfilePage() throws {
        let files = SiteFixture.text(try SiteFixture.render(project: "voice-backend"))
        let page = try #require(files["dockerfiles/Dockerfile.html"])
        for n in 1...45 { #expect(page.contains("id=\"L\(n)\"")) }
        #expect(!page.contains("id=\"L46\""))
        let line43 = try #require(page.split(separator: "\n").first { $0.contains("id=\"L43\"") })
        #expect(line43.contains("marked"))
        #expect(line43.contains("href=\"../records/fix-5.html\""))
    }

    @Test("every internal link and fragment resolves")
    func links() throws {
        for project in ["voice-backend", "hostile"] {
            let files = SiteFixture.text(try SiteFixture.render(project: project, results: SiteFixture.voiceBackendResults))
            var ids: [String: Set<String>] = [:]
            var parsed: [String: HTMLChecker] = [:]
            for (path, html) in SiteFixture.html(files.mapValues { Array($0.utf8) }) {
                let checker = HTMLChecker(html)
                parsed[path] = checker
                ids[path] = Set(checker.tags.compactMap { $0.attribute("id") })
            }
            var checked = 0
            for (path, checker) in parsed.sorted(by: { $0.key < $1.key }) {
                for tag in checker.tags {
                    for attr in ["href", "src", "action"] {
                        guard let value = tag.attribute(attr), !value.isEmpty else { continue }
                        let decoded = value.replacingOccurrences(of: "&amp;", with: "&")
                        if decoded.contains(":") { continue }  // external (https:, mailto:), never a file of the site
                        let parts = decoded.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                        let target = parts[0].isEmpty ? path : resolve(String(parts[0]), from: path)
                        #expect(files[target] != nil, "\(project)/\(path): \(attr)=\"\(value)\" → \(target) does not exist")
                        if parts.count == 2, !parts[1].isEmpty {
                            #expect(ids[target]?.contains(String(parts[1])) == true, "\(project)/\(path): #\(parts[1]) not in \(target)")
                        }
                        checked += 1
                    }
                }
            }
            #expect(checked > 50)
        }
    }

    func resolve(_ relative: String, from page: String) -> String {
        var parts = page.split(separator: "/").map(String.init).dropLast()
        for component in relative.split(separator: "/") {
            if component == ".." { _ = parts.popLast() } else if component != "." { parts.append(String(component)) }
        }
        return parts.joined(separator: "/")
    }

    @Test("every page is well-formed HTML")
    func wellFormed() throws {
        for project in ["voice-backend", "hostile"] {
            let files = try SiteFixture.render(project: project, results: SiteFixture.voiceBackendResults)
            for (path, html) in SiteFixture.html(files) {
                let checker = HTMLChecker(html)
                #expect(checker.errors.isEmpty, "\(project)/\(path): \(checker.errors.prefix(5))")
                #expect(html.hasPrefix("<!DOCTYPE html>"))
            }
        }
    }

    @Test("the HTML checker notices broken markup")
    func checkerCatchesErrors() {
        #expect(!HTMLChecker("<div><span></div>").errors.isEmpty)
        #expect(!HTMLChecker("<p>a < b</p>").errors.isEmpty)
        #expect(!HTMLChecker("<a href=x>y</a>").errors.isEmpty)
        #expect(!HTMLChecker("<p>AT&T</p>").errors.isEmpty)
        #expect(!HTMLChecker("<br></br>").errors.isEmpty)
        #expect(!HTMLChecker("<p>").errors.isEmpty)
        #expect(HTMLChecker("<p>a &lt; b &amp; <br><img src=\"x\" /></p>").errors.isEmpty)
    }

    @Test("hostile log: no script or event handler from log text survives")
    func hostile() throws {
        let files = try SiteFixture.render(project: "hostile")
        var scriptCount = 0
        for (path, html) in SiteFixture.html(files) {
            let checker = HTMLChecker(html)
            for tag in checker.tags {
                for (name, value) in tag.attributes {
                    #expect(!name.hasPrefix("on"), "\(path): <\(tag.name) \(name)=…>")
                    if ["href", "src", "action"].contains(name) {
                        #expect(SiteHTML.isSafeURL(value.replacingOccurrences(of: "&amp;", with: "&")), "\(path): \(name)=\"\(value)\"")
                    }
                }
                #expect(!["iframe", "svg", "object", "embed", "img", "b", "style"].contains(tag.name), "\(path): <\(tag.name)>")
                if tag.name == "script" {
                    scriptCount += 1
                    let src = tag.attribute("src") ?? ""
                    #expect(src.hasSuffix("assets/fixlog.js") || src.hasSuffix("assets/search-index.js"), "\(path): \(src)")
                }
            }
            // Apart from our two script tags, no `<script` at all in the bytes.
            #expect(html.components(separatedBy: "<script").count - 1 == 2, "\(path)")
        }
        #expect(scriptCount == 2 * SiteFixture.html(files).count)
        // The search index can be embedded anywhere: no raw angle brackets.
        let index = String(decoding: try #require(files["assets/search-index.js"]), as: UTF8.self)
        #expect(!index.contains("<") && !index.contains(">"))
        #expect(index.contains("\\u003cscript\\u003e"))
    }

    @Test("--unsafe-html passes raw HTML through; the default drops it")
    func unsafeHTML() throws {
        let safe = SiteFixture.text(try SiteFixture.render(project: "hostile"))["records/fix-1.html"] ?? ""
        let unsafe = SiteFixture.text(try SiteFixture.render(project: "hostile", options: SiteOptions(unsafeHTML: true)))["records/fix-1.html"] ?? ""
        #expect(!safe.contains("<div onclick"))
        #expect(unsafe.contains("<div onclick"))
    }

    @Test("deterministic: two builds give the same bytes")
    func deterministic() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let input = try SiteFixture.input(project: "voice-backend", results: SiteFixture.voiceBackendResults)
            let templates = try SiteFixture.templates()
            let a = dir.appendingPathComponent("a").path, b = dir.appendingPathComponent("b").path
            try SiteBuilder.build(input, templates: templates, destination: a)
            try SiteBuilder.build(input, templates: templates, destination: b)
            #expect(try tree(a) == tree(b))
            #expect(try tree(a).count == 13)  // 12 files + marker
        }
    }

    func tree(_ root: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = try #require(FileManager.default.enumerator(atPath: root))
        for case let path as String in e {
            var isDirectory: ObjCBool = false
            let full = (root as NSString).appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[path] = FileManager.default.contents(atPath: full)
            }
        }
        return out
    }

    @Test("a failed build leaves the previous site untouched and no temporary directory behind")
    func failedBuildKeepsOldSite() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let site = dir.appendingPathComponent("site").path
            let input = try SiteFixture.input(project: "voice-backend")
            try SiteBuilder.build(input, templates: try SiteFixture.templates(), destination: site)
            let before = try tree(site)
            // A broken override template: fails at loadTemplates.
            let broken = dir.appendingPathComponent("broken")
            try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
            try "{{#records}}unclosed".write(to: broken.appendingPathComponent("index.mustache"), atomically: true, encoding: .utf8)
            #expect(throws: SiteBuildError.self) { try SiteTemplates.load(base: SiteFixture.templatesDirectory, override: broken.path) }
            // A render that fails part-way through writing: a file path that cannot be created.
            var files = try SiteBuilder.render(input, templates: try SiteFixture.templates())
            files["index.html/oops"] = [1]
            #expect(throws: SiteBuildError.self) { try SiteBuilder.install(files, at: site) }
            #expect(try tree(site) == before)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".site.") }
            #expect(leftovers.isEmpty)
            // A directory that is not a fixlog site is never replaced.
            let other = dir.appendingPathComponent("other")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
            try "keep".write(to: other.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
            #expect(throws: SiteBuildError.self) { try SiteBuilder.install(files, at: other.path) }
            #expect(FileManager.default.fileExists(atPath: other.appendingPathComponent("notes.txt").path))
        }
    }

    @Test("templates: a missing or broken template is a clear error naming the step and file")
    func templateErrors() throws {
        try TestSupport.withTemporaryDirectory { dir in
            // No base and an empty override: the first required template is reported.
            do {
                _ = try SiteTemplates.load(base: nil, override: dir.path)
                Issue.record("expected an error")
            } catch let error as SiteBuildError {
                #expect(error.step == .loadTemplates)
                #expect(error.id == .siteTemplateMissing)
                #expect(error.path == "layout.mustache")
            }
            try "<p>{{#a}}</p>".write(to: dir.appendingPathComponent("record.mustache"), atomically: true, encoding: .utf8)
            do {
                _ = try SiteTemplates.load(base: SiteFixture.templatesDirectory, override: dir.path)
                Issue.record("expected an error")
            } catch let error as SiteBuildError {
                #expect(error.id == .siteTemplateInvalid)
                #expect(error.path.contains("record.mustache:1:"))
            }
            // A valid override replaces the built-in template.
            try "<p class=\"custom\">{{title}}</p>".write(to: dir.appendingPathComponent("record.mustache"), atomically: true, encoding: .utf8)
            let templates = try SiteTemplates.load(base: SiteFixture.templatesDirectory, override: dir.path)
            let files = SiteFixture.text(try SiteBuilder.render(try SiteFixture.input(project: "voice-backend"), templates: templates))
            #expect(files["records/fix-1.html"]?.contains("<p class=\"custom\">soundfile Could Not Find libsndfile</p>") == true)
        }
    }

    @Test("every required template exists in Templates/site")
    func requiredTemplatesShipped() {
        for t in SiteTemplate.allCases {
            #expect(FileManager.default.fileExists(atPath: SiteFixture.templatesDirectory + "/" + t.fileName), "\(t.fileName)")
        }
        for a in SiteAsset.allCases {
            #expect(FileManager.default.fileExists(atPath: SiteFixture.templatesDirectory + "/assets/" + a.rawValue))
        }
    }

    @Test("unsafe URLs are recognised")
    func urls() {
        #expect(!SiteHTML.isSafeURL("javascript:alert(1)"))
        #expect(!SiteHTML.isSafeURL(" JavaScript:alert(1)"))
        #expect(!SiteHTML.isSafeURL("data:text/html,x"))
        #expect(SiteHTML.isSafeURL("https://example.com/a:b"))
        #expect(SiteHTML.isSafeURL("../records/fix-1.html#L3"))
        #expect(SiteHTML.normalisedBaseURL("ftp://x") == nil)
        #expect(SiteHTML.normalisedBaseURL("https://example.org/fixes") == "https://example.org/fixes/")
    }

    @Test("no external resources: no http(s) URL in src or stylesheet links, no @import or url() in the CSS")
    func noExternalRequests() throws {
        let files = try SiteFixture.render(project: "voice-backend")
        for (path, html) in SiteFixture.html(files) {
            for tag in HTMLChecker(html).tags {
                if let src = tag.attribute("src") { #expect(!src.contains(":"), "\(path): \(src)") }
                if tag.name == "link", tag.attribute("rel") == "stylesheet" { #expect(!(tag.attribute("href") ?? "").contains(":")) }
            }
        }
        let css = String(decoding: try #require(files["assets/style.css"]), as: UTF8.self)
        #expect(!css.contains("@import") && !css.contains("url("))
        let js = String(decoding: try #require(files["assets/fixlog.js"]), as: UTF8.self)
        #expect(!js.contains("fetch(") && !js.contains("XMLHttpRequest") && !js.contains("innerHTML"))
    }
}

@Suite("Site view models")
struct SiteViewModelTests {
    /// Every stored field of every view model is reachable through `MustacheParent.child(named:)`.
    func checkReachable(_ value: Any, path: String, visited: inout Int) {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            if let inner = mirror.children.first?.value { checkReachable(inner, path: path, visited: &visited) }
            return
        }
        if mirror.displayStyle == .collection {
            for (i, child) in mirror.children.enumerated() { checkReachable(child.value, path: "\(path)[\(i)]", visited: &visited) }
            return
        }
        guard let parent = value as? any MustacheParentProbe else { return }
        for child in mirror.children {
            guard let label = child.label else { continue }
            let isNil = Mirror(reflecting: child.value).displayStyle == .optional && Mirror(reflecting: child.value).children.isEmpty
            if !isNil {
                #expect(parent.probe(label) != nil, "\(path).\(label) is not reachable from the templates")
                #expect((value as? any SiteRenderable)?.siteValue(label) != nil,
                        "\(path).\(label) is not reachable from the compiled templates")
                visited += 1
            }
            checkReachable(child.value, path: "\(path).\(label)", visited: &visited)
        }
    }

    @Test func everyFieldReachable() throws {
        let input = try SiteFixture.input(project: "voice-backend", results: SiteFixture.voiceBackendResults)
        let model = SiteModel.build(input)
        let context = RenderContext(input: input, model: model, templates: try SiteFixture.templates())
        var visited = 0
        checkReachable(context.indexVM(), path: "index", visited: &visited)
        checkReachable(context.timelineVM(), path: "timeline", visited: &visited)
        for record in model.records { checkReachable(context.recordVM(record), path: record.path, visited: &visited) }
        for d in model.dockerfiles { checkReachable(context.dockerfileVM(d), path: d.path, visited: &visited) }
        #expect(visited > 500)
    }
}
