import Foundation
import Testing
@testable import FixlogCore

/// A real `podman build` + `podman run` of fixtures/projects/busybox-app through the verification
/// engine, with a project-local containers.conf behind CONTAINERS_CONF. Where podman or busybox-static
/// is missing or podman cannot run containers, the test is cancelled (shown as skipped) with the reason.
@Suite("Real container builds (podman)", .serialized)
struct ContainerBuildTests {
    static let fixture = VT.packageRoot + "/fixtures/projects/busybox-app"
    static let image = "localhost/fixlog-busybox-app"

    /// Prepares a copy of the fixture with busybox and a containers.conf; cancels the test with the
    /// reason when podman cannot run here.
    static func prepare() async throws -> (dir: String, env: [String: String]) {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? VerificationSettings.defaultPath
        if ProcessInfo.processInfo.environment["FIXLOG_SKIP_PODMAN"] == "1" {
            try Test.cancel("FIXLOG_SKIP_PODMAN=1: podman tests switched off")
        }
        let finder = Prerequisites(searchPath: path)
        guard let podman = finder.locate("podman", directory: "/") else {
            try Test.cancel("podman not found on PATH (make test installs podman, runc and busybox-static)")
        }
        let busybox = ["/bin/busybox", "/usr/bin/busybox"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let busybox else { try Test.cancel("busybox not found (install busybox-static)") }
        let base = try VT.tempDir()
        let dir = base + "/busybox-app"
        try FileManager.default.copyItem(atPath: fixture, toPath: dir)
        try? FileManager.default.removeItem(atPath: dir + "/.fixlog")
        try? FileManager.default.removeItem(atPath: dir + "/busybox")
        try FileManager.default.copyItem(atPath: busybox, toPath: dir + "/busybox")
        let conf = base + "/containers.conf"
        let env = VT.environment()
        let runner = StepRunner(timeout: .seconds(60), grace: .milliseconds(500))
        let made = await runner.run(script: "exec \(VerificationPlan.quote(VT.packageRoot + "/fixtures/containers/make-containers-conf.sh")) \(VerificationPlan.quote(conf))",
                                    workingDirectory: base, environment: env)
        try #require(made.exitStatus == 0, "make-containers-conf.sh failed: \(made.stderr.text)")
        var stepEnv = env
        stepEnv["CONTAINERS_CONF"] = conf
        let info = await runner.run(script: "\(VerificationPlan.quote(podman)) run --rm --help >/dev/null && \(VerificationPlan.quote(podman)) info --format '{{.Host.OCIRuntime.Name}}'",
                                    workingDirectory: base, environment: stepEnv)
        if info.exitStatus != 0 {
            VT.remove(base)
            let why = info.stderr.text.split(separator: "\n").last.map(String.init) ?? "podman info failed"
            try Test.cancel("podman cannot run here: \(why)")
        }
        return (dir, stepEnv)
    }

    /// Removes the fixture's images, the intermediate builder-stage ones included (all carry the
    /// fixture's label; nothing else in the image store is touched).
    static func removeImage(_ env: [String: String]) async {
        let script = "podman rmi -f \(image) >/dev/null 2>&1 || true\n"
            + "podman images -q --filter label=org.fixlog.fixture=busybox-app | sort -u | xargs -r podman rmi -f >/dev/null 2>&1 || true"
        _ = await StepRunner(timeout: .seconds(60)).run(script: script, workingDirectory: "/", environment: env)
    }

    @Test(.timeLimit(.minutes(5)))
    func busyboxAppBuildsRunsAndCaches() async throws {
        let (dir, env) = try await Self.prepare()
        defer { VT.remove((dir as NSString).deletingLastPathComponent) }
        await Self.removeImage(env)
        let log = dir + "/DOCKERFILE_FIXES.md"
        let fixLog = FixLogIngester.load(path: log)
        #expect(!fixLog.diagnostics.contains { $0.severity == .error })
        let records: [VerificationRecord]? = fixLog.incidents.map {
            VerificationRecord(number: $0.number, title: $0.title, steps: $0.verifications)
        }
        let config = VerificationConfig.load(directory: dir).config
        #expect(config.environmentNames == ["CONTAINERS_CONF"])
        let stepEnv = VerificationSettings.environment(parent: env, names: config.environmentNames, values: [:])
        #expect(stepEnv["CONTAINERS_CONF"] != nil)
        func plan() throws -> VerificationPlan {
            VerificationPlan(records: try #require(records), logPath: log, root: dir,
                             searchPath: stepEnv["PATH"] ?? VerificationSettings.defaultPath)
        }
        let steps = try plan().steps
        try #require(steps.count == 1)
        #expect(steps[0].prerequisites.map(\.command) == ["podman"])
        #expect(steps[0].inputFiles == ["Dockerfile"])
        #expect(steps[0].timeout.description == "5m")
        let engine = VerificationEngine(settings: VerificationSettings(jobs: 1, grace: .seconds(1), environment: stepEnv))

        let first = await engine.run(steps, logPath: log, previous: nil)
        // podman installed but unable to create containers on this host (cgroups, rlimits, runtime):
        // say so as a skip with podman's own words rather than fail.
        if first[0].status == .failed, let line = first[0].outputExcerpt.split(separator: "\n").first(where: { l in
            ["OCI runtime", "OCI permission", "cgroups", "setrlimit", "crun:", "runc:", "netavark"].contains { l.contains($0) }
        }) {
            await Self.removeImage(env)
            try Test.cancel("podman cannot run containers here: \(line)")
        }
        #expect(first[0].status == .passed, "\(first[0].reason ?? "") \(first[0].outputExcerpt)")
        #expect(first[0].expectation.missingLines.isEmpty)
        #expect(first[0].outputExcerpt.contains("hello from busybox-app"))
        #expect(first[0].environment?.tools["podman"]?.hasPrefix("podman version") == true)

        let second = await engine.run(try plan().steps, logPath: log, previous: VerificationResults(steps: first))
        #expect(second[0].status == .cached)

        // One byte of the Dockerfile changes: the step runs (and really rebuilds) again.
        let dockerfile = dir + "/Dockerfile"
        let text = try String(contentsOfFile: dockerfile, encoding: .utf8)
        try text.replacingOccurrences(of: "hello from busybox-app", with: "hello from busybox-app!").write(toFile: dockerfile, atomically: true, encoding: .utf8)
        let third = await engine.run(try plan().steps, logPath: log, previous: VerificationResults(steps: second))
        #expect(third[0].inputsHash != first[0].inputsHash)
        #expect(third[0].status == .failed, "the greeting changed, so the expected line is missing")
        #expect(third[0].expectation.missingLines == ["hello from busybox-app"])
        #expect(third[0].outputExcerpt.contains("hello from busybox-app!"))
        await Self.removeImage(env)
    }
}
