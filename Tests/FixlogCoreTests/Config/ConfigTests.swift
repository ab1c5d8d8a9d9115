import Foundation
import Testing
@testable import FixlogCore

@Suite("Config (.fixlog.yml)")
struct ConfigTests {
    @Test func fullSchemaParses() {
        let text = """
            version: 1
            logs:
              - DOCKERFILE_FIXES.md
              - path: services/api/FIXES.md
                dockerfile: services/api/Dockerfile.prod
            root: ..
            dockerfile: Dockerfile
            timeout: 90s
            exec: true
            env: [CONTAINERS_CONF, CI]
            container-cli: docker
            templates: templates
            site:
              output: public
              title: Fixes
              base-url: https://example.org/fixes/
            x-other-tool: {anything: 1}
            """
        let (c, d) = FixlogConfig.parse(text, path: "/p/.fixlog.yml")
        #expect(d.isEmpty, "\(d.map(\.formatted))")
        #expect(c.version == 1)
        #expect(c.logs == [.init(path: "DOCKERFILE_FIXES.md"), .init(path: "services/api/FIXES.md", dockerfile: "services/api/Dockerfile.prod")])
        #expect(c.root == ".." && c.dockerfile == "Dockerfile" && c.templates == "templates")
        #expect(c.timeout == StepDuration(seconds: 90) && c.exec && c.containerCLI == .docker)
        #expect(c.environmentNames == ["CONTAINERS_CONF", "CI"])
        #expect(c.site == .init(output: "public", title: "Fixes", baseURL: "https://example.org/fixes/"))
        #expect(c.verification == VerificationConfig(exec: true, timeout: StepDuration(seconds: 90), environmentNames: ["CONTAINERS_CONF", "CI"]))
        #expect(c.resolve("services/api/FIXES.md") == "/p/services/api/FIXES.md")
        #expect(c.resolve("..") == "/")
        // A single log may be given as a scalar.
        #expect(FixlogConfig.parse("log: a.md\n", path: ".fixlog.yml").config.logs == [.init(path: "a.md")])
        // An empty file is the defaults.
        let empty = FixlogConfig.parse("", path: ".fixlog.yml")
        #expect(empty.diagnostics.isEmpty && empty.config.logs.isEmpty && !empty.config.exec)
    }

    @Test func unknownKeysAreLocatedWithASuggestion() {
        let text = "version: 1\ntimout: 3m\nsite:\n  titel: x\nexce: true\nfrobnicate: 1\n"
        let (_, d) = FixlogConfig.parse(text, path: "p/.fixlog.yml")
        #expect(d.map(\.id) == [.unknownConfigKey, .unknownConfigKey, .unknownConfigKey, .unknownConfigKey])
        #expect(d[0].formatted == "p/.fixlog.yml:2:1: error: [unknown-config-key] unknown setting 'timout'; did you mean 'timeout'?")
        #expect(d[1].formatted == "p/.fixlog.yml:4:3: error: [unknown-config-key] unknown setting 'titel' in site; did you mean 'title'?")
        #expect(d[2].message.hasSuffix("did you mean 'exec'?"))
        #expect(!d[3].message.contains("did you mean"))
        #expect(d[3].message.contains("known settings: version, log, logs"))
    }

    @Test func newerVersionsNameTheHighestSupported() {
        let (_, d) = FixlogConfig.parse("version: 2\nnew-key: 1\n", path: ".fixlog.yml")
        #expect(d.count == 1, "a newer schema's keys are not reported one by one")
        #expect(d.first?.id == .unsupportedConfigVersion)
        #expect(d.first?.message.contains("reads version 1 at most") == true)
        #expect(d.first?.range?.start.line == 1)
        let (_, bad) = FixlogConfig.parse("version: one\n", path: ".fixlog.yml")
        #expect(bad.map(\.id) == [.invalidConfig])
    }

    @Test func wrongTypesAreReported() {
        let text = "exec: maybe\ntimeout: soon\ncontainer-cli: lxc\nlogs: {a: 1}\nsite: [x]\nroot: [a]\n"
        let (_, d) = FixlogConfig.parse(text, path: ".fixlog.yml")
        #expect(d.map(\.id) == [.invalidVerifyConfig, .invalidVerifyConfig, .invalidConfig, .invalidConfig, .invalidConfig, .invalidConfig])
        #expect(d.map { $0.range?.start.line ?? 0 } == [1, 2, 3, 4, 5, 6])
        let (_, notMapping) = FixlogConfig.parse("- a\n- b\n", path: ".fixlog.yml")
        #expect(notMapping.map(\.id) == [.invalidConfig])
        let (_, url) = FixlogConfig.parse("site:\n  base-url: example.org\n", path: ".fixlog.yml")
        #expect(url.first?.message.contains("base-url") == true)
    }

    @Test func suggestions() {
        #expect(Suggestion.nearest(to: "dockerfiles", in: FixlogConfig.keys) == "dockerfile")
        #expect(Suggestion.nearest(to: "containercli", in: FixlogConfig.keys) == "container-cli")
        #expect(Suggestion.nearest(to: "baseurl", in: FixlogConfig.Site.keys) == "base-url")
        #expect(Suggestion.nearest(to: "xyz", in: FixlogConfig.keys) == nil)
        #expect(Suggestion.distance(Array("exec"), Array("exce")) == 1)
    }

    @Test func discoveryBesideTheLogThenAtTheRepositoryRoot() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let fm = FileManager.default
            let repo = dir.appendingPathComponent("repo").path
            let docs = repo + "/docs"
            try fm.createDirectory(atPath: repo + "/.git", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: docs, withIntermediateDirectories: true)
            let log = docs + "/DOCKERFILE_FIXES.md"
            // Nothing anywhere: the defaults.
            let none = FixlogConfig.discover(logPath: log, root: nil)
            #expect(none.config.path == nil && none.diagnostics.isEmpty)
            // At the repository root.
            try "timeout: 1m\n".write(toFile: repo + "/.fixlog.yml", atomically: true, encoding: .utf8)
            #expect(FixlogConfig.discover(logPath: log, root: nil).config.timeout == StepDuration(seconds: 60))
            // Beside the log wins.
            try "timeout: 2m\n".write(toFile: docs + "/.fixlog.yml", atomically: true, encoding: .utf8)
            #expect(FixlogConfig.discover(logPath: log, root: nil).config.timeout == StepDuration(seconds: 120))
            // No log named: the current directory, then the repository root.
            #expect(FixlogConfig.discover(logPath: nil, root: nil, currentDirectory: repo).config.timeout == StepDuration(seconds: 60))
            // An explicit path must exist.
            let missing = FixlogConfig.discover(configPath: repo + "/nope.yml", logPath: log, root: nil)
            #expect(missing.diagnostics.first?.id == .fileNotFound)
            #expect(missing.diagnostics.first?.message.contains("fixlog init") == true)
            // VerificationConfig (verify's view) reads the same file.
            #expect(VerificationConfig.load(directory: docs).config.timeout == StepDuration(seconds: 120))
        }
    }

    @Test func starterConfigAndLogAreValid() {
        let (c, d) = FixlogConfig.parse(Starter.config(log: "FIXES.md"), path: ".fixlog.yml")
        #expect(d.isEmpty, "\(d.map(\.formatted))")
        #expect(c.logs == [.init(path: "FIXES.md")] && !c.exec && c.timeout == StepDuration(seconds: 600))
        #expect(Starter.config(log: "my fixes.md").contains("\"my fixes.md\""))
        let log = FixLogIngester.ingest(SourceText(path: "DOCKERFILE_FIXES.md", string: Starter.log()))
        #expect(log.diagnostics.filter { $0.severity == .error }.isEmpty)
        #expect(log.incidents.isEmpty, "the skeleton is inside a comment, not a record yet")
    }

    @Test func ciOutputs() {
        let step = StepResult(incident: 2, record: 2, step: 1, title: "t", log: "a,b.md", line: 7,
                              status: .failed, reason: "exit status 1\nsee log", exitStatus: 1)
        #expect(CIOutputs.githubAnnotations([step]) == "::error file=a%2Cb.md,line=7,title=fixlog verify #2.1::step #2.1 failed: exit status 1%0Asee log\n")
        var passed = step
        passed.status = .passed
        #expect(CIOutputs.githubAnnotations([passed]).isEmpty)
        let summary = CIOutputs.summary([.init(stage: "check", log: "L.md", status: "passed", detail: "a | b")])
        #expect(summary.contains("| check | `L.md` | passed | a \\| b |"))
        #expect(CIOutputs.sarif([]).contains("\"runs\": []"))
    }
}
