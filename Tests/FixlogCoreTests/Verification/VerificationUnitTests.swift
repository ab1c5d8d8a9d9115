import Foundation
import Testing
@testable import FixlogCore

@Suite("Verification pieces")
struct VerificationUnitTests {
    @Test func durations() {
        #expect(StepDuration(parsing: "30s")?.milliseconds == 30_000)
        #expect(StepDuration(parsing: "2m")?.milliseconds == 120_000)
        #expect(StepDuration(parsing: "1m30s")?.milliseconds == 90_000)
        #expect(StepDuration(parsing: "1h")?.milliseconds == 3_600_000)
        #expect(StepDuration(parsing: "250ms")?.milliseconds == 250)
        #expect(StepDuration(parsing: "45")?.milliseconds == 45_000)
        #expect(StepDuration(parsing: "1.5s")?.milliseconds == 1_500)
        for bad in ["", "0", "-3s", "abc", "10x", "5m3", "s"] { #expect(StepDuration(parsing: bad) == nil, "\(bad)") }
        #expect(StepDuration.defaultTimeout.description == "10m")
        #expect(StepDuration(milliseconds: 90_000).description == "1m30s")
        #expect(StepDuration(milliseconds: 250).description == "250ms")
    }

    @Test func timestampsAndDurations() {
        #expect(VerificationEngine.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(VerificationEngine.timestamp(Date(timeIntervalSince1970: 1_767_225_600.25)) == "2026-01-01T00:00:00.250Z")
        #expect(VerificationEngine.timestamp(Date(timeIntervalSince1970: 951_825_599.999)) == "2000-02-29T11:59:59.999Z")
        #expect(VerificationReport.seconds(1234) == "1.2s")
        #expect(VerificationReport.seconds(45_000) == "45s")
        #expect(VerificationReport.seconds(125_000) == "2m05s")
    }

    @Test func options() {
        let o = StepOptions(["timeout": "30s", "requires": "podman,make", "exit": "2", "env": "A,B", "skip": ""])
        #expect(o.timeout?.milliseconds == 30_000)
        #expect(o.requires == ["podman", "make"])
        #expect(o.expectedExitStatus == 2)
        #expect(o.environmentNames == ["A", "B"])
        #expect(o.skipReason == "skip option")
        #expect(o.problems.isEmpty)
        #expect(StepOptions(["timeout": "soon", "bogus": "1"]).problems == ["unknown option 'bogus'", "timeout=soon is not a duration (use 30s, 2m, 1h)"])
    }

    @Test func scriptAnalysisFindsCommandsDirectoriesAndDockerfiles() {
        let a = ScriptAnalysis(script: """
            # Test build locally
            cd python_back_end
            podman build -t test-backend -f Dockerfile.gpu .   # comment: notacommand
            FOO=1 sudo -E make test 2>&1 | tee build.log
            result=$(jq -r .x config/app.json)
            if grep -q ok out.txt; then echo "yes" >&2; fi
            helper() { curl -s http://x; }
            helper
            cat <<EOF
            inside-heredoc-command arg
            EOF
            docker build \\
              --build-arg X=1 backend
            """)
        #expect(a.commands == ["podman", "sudo", "make", "tee", "jq", "grep", "curl", "cat", "docker"])
        #expect(a.buildFiles == ["python_back_end/Dockerfile.gpu", "python_back_end/backend/Dockerfile"])
        #expect(a.namedPaths.contains(.init(directory: "python_back_end", path: "config/app.json")))
        #expect(a.namedPaths.contains(.init(directory: "python_back_end", path: "out.txt")))
    }

    @Test func conditionsAreClassified() async {
        #expect(ConditionRegistry.check(for: "if CUDA GPU available") == .gpu)
        #expect(ConditionRegistry.check(for: "if podman installed") == .command("podman"))
        #expect(ConditionRegistry.check(for: "if nvcc is available") == .command("nvcc"))
        #expect(ConditionRegistry.check(for: "with docker") == .command("docker"))
        #expect(ConditionRegistry.check(for: "on macOS") == .operatingSystem("macos"))
        #expect(ConditionRegistry.check(for: "Linux only") == .operatingSystem("linux"))
        #expect(ConditionRegistry.check(for: "if the build cache is warm") == nil)
        let registry = ConditionRegistry(commandExists: { $0 == "podman" }, gpuAvailable: { false }, operatingSystem: "linux")
        let values = await registry.evaluateAll(["if CUDA GPU available", "if podman installed", "if docker installed",
                                                 "on linux", "on windows", "if it rains"])
        #expect(values == ["if CUDA GPU available": .unsatisfied, "if podman installed": .satisfied,
                           "if docker installed": .unsatisfied, "on linux": .satisfied, "on windows": .unsatisfied,
                           "if it rains": .unknown])
    }

    @Test func expectationMatching() {
        let out = "Step 1\n\n  2.6.0\nFalse\n  tail line \n"
        func m(_ lines: [ExpectedLine], _ c: [String: ConditionValue] = [:]) -> ExpectationOutcome {
            ExpectationMatcher.match(expected: lines, output: out, conditions: c)
        }
        #expect(m(VT.lines("2.6.0", "False")).isSatisfied)
        #expect(m(VT.lines("Step 1", "2.6.0")).isSatisfied, "blank lines are ignored")
        #expect(m(VT.lines("Step 1", "...", "tail line")).isSatisfied)
        #expect(m(VT.lines("Step 1", "tail line")).missingLines == ["tail line"])
        #expect(m(VT.lines("2.6...")).isSatisfied)
        #expect(m(VT.lines("Step ... 1")).isSatisfied)
        #expect(m(VT.lines("Step ... 2")).missingLines == ["Step ... 2"])
        let gpu = [ExpectedLine(text: "2.6.0"), ExpectedLine(text: "True", condition: "if CUDA GPU available")]
        #expect(m(gpu, ["if CUDA GPU available": .unsatisfied]) == ExpectationOutcome(notApplicableLines: ["True"]))
        #expect(m(gpu).uncheckedLines == ["True"])
        #expect(m(gpu, ["if CUDA GPU available": .satisfied]).missingLines == ["True"])
        #expect(m([]).isSatisfied)
    }

    @Test func cappedOutputKeepsHeadAndTail() {
        var c = CappedOutput(headLimit: 4, tailLimit: 4)
        c.append("abc")
        #expect(c.text == "abc")
        c.append("defghijkl")
        #expect(c.totalBytes == 12)
        #expect(c.isTruncated)
        #expect(c.text == "abcd\n[… fixlog: 4 bytes omitted …]\nijkl")
        for _ in 0..<1000 { c.append("0123456789") }
        #expect(c.tail.count == 4)
        #expect(c.text.hasSuffix("6789"))
    }

    @Test func masking() {
        let m = SecretMasker(environment: ["GITHUB_TOKEN": "ghp_abcdef", "DB_PASSWORD": "hunter22", "API_KEY": "k",
                                           "HOME": "/root", "MY_SECRET_FILE": "/run/s"])
        #expect(m.mask("push with ghp_abcdef to /root as hunter22 via /run/s") == "push with *** to /root as *** via ***")
        #expect(m.mask("k stays, too short to mask") == "k stays, too short to mask")
        #expect(SecretMasker.isSecretName("aws_secret_access_key"))
        #expect(!SecretMasker.isSecretName("HOME"))
    }

    @Test func shardsPartitionRecordsDeterministically() {
        #expect(Shard(parsing: "2/4") == Shard(index: 2, count: 4))
        for bad in ["0/4", "5/4", "1/0", "x", "1/2/3", ""] { #expect(Shard(parsing: bad) == nil, "\(bad)") }
        let records = Array(1...23)
        var seen: [Int] = []
        for i in 1...4 {
            let shard = Shard(index: i, count: 4)!
            let mine = records.filter { shard.includes(record: $0) }
            #expect(mine == records.filter { shard.includes(record: $0) }, "same input, same split")
            #expect(mine.count >= 5 && mine.count <= 6)
            seen += mine
        }
        #expect(seen.sorted() == records)
    }

    @Test func configFile() {
        let (c, d) = VerificationConfig.parse("exec: true\ntimeout: 90s\nenv:\n  - CONTAINERS_CONF\n  - CI\nx-other: 1\n", path: ".fixlog.yml")
        #expect(d.isEmpty)
        #expect(c == VerificationConfig(exec: true, timeout: StepDuration(seconds: 90), environmentNames: ["CONTAINERS_CONF", "CI"]))
        let (m, _) = VerificationConfig.parse("env: {A: one}\n", path: ".fixlog.yml")
        #expect(m.environmentValues == ["A": "one"])
        let (_, bad) = VerificationConfig.parse("exec: maybe\ntimeout: soon\n", path: "x/.fixlog.yml")
        #expect(bad.map(\.id) == [.invalidVerifyConfig, .invalidVerifyConfig])
        let (_, broken) = VerificationConfig.parse("exec: [\n", path: "x/.fixlog.yml")
        #expect(broken.first?.formatted.hasPrefix("x/.fixlog.yml:2:1: error: [invalid-config]") == true)
    }

    @Test func diagnosticIDsAreCatalogued() {
        for id in [DiagnosticID.invalidVerifyConfig, .invalidStepOptions, .unreadableResults] {
            #expect(id.entry != nil, "\(id.rawValue)")
        }
    }
}
