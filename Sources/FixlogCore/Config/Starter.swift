/// The files `fixlog init` writes: a commented starter config and a starter log.
public enum Starter {
    /// A commented `.fixlog.yml` naming `log`, valid under schema version 1 with every optional setting shown.
    public static func config(log: String = "DOCKERFILE_FIXES.md") -> String {
        """
        # fixlog settings — schema version 1, documented in docs/config.md.
        # Paths are relative to this file. Command-line flags override these settings.
        # Unknown keys are errors; prefix other tools' keys with x-.
        version: 1

        # The fix log(s) fixlog works on (`fixlog check`, `verify`, `ci` without a log argument).
        logs:
          - \(yamlScalar(log))
        #  - path: services/api/DOCKERFILE_FIXES.md
        #    dockerfile: services/api/Dockerfile

        # The repository root target files are resolved against (default: the git top level).
        # root: .

        # Check every documented change against this Dockerfile instead of the log's **File:** values.
        # dockerfile: Dockerfile

        # Verification: the default step timeout, and whether `fixlog verify` / `fixlog ci` may run the
        # log's shell blocks without --allow-exec. A fix log is code: set exec: true only for trusted repositories.
        timeout: 10m
        exec: false

        # Extra environment variables passed to steps (PATH, HOME, LANG, CI and TERM always are):
        # a list of names taken from fixlog's environment, or a map of names to values.
        env: []
        #  - CONTAINERS_CONF

        # Run container steps with this engine: podman or docker.
        # container-cli: podman

        # Templates for `fixlog regenerate` and `fixlog site` (default: the templates installed with fixlog).
        # templates: templates

        # The published site (`fixlog site`).
        # site:
        #   output: site
        #   title: Dockerfile fixes
        #   base-url: https://example.org/fixes/

        """
    }

    /// A starter fix log: a title, a short explanation and, inside an HTML comment (so it is not a
    /// record yet), the skeleton of one record.
    public static func log(title: String = "Dockerfile Fixes") -> String {
        """
        # \(title)

        Every build problem fixed in this project's Dockerfile, one record per fix. `fixlog check` keeps
        the documented changes true against the real Dockerfile, and `fixlog verify --allow-exec` runs the
        verification steps. The format is described in fixlog's docs/format.md.

        <!--
        Copy this skeleton below the comment for each fix, then fill it in:

        ## Fix #1: What broke, in a few words (YYYY-MM-DD)

        **Issue:** the symptom, with the exact error message.

        ### Root Cause

        Why it happened.

        ### Solution

        **File:** `Dockerfile` (lines 3-4)

        ```dockerfile
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends ca-certificates
        ```

        ### Verification Steps

        ```bash
        podman build -t localhost/my-image .

        # Expected output:
        # Successfully tagged localhost/my-image:latest
        ```
        -->

        """
    }

    static func yamlScalar(_ s: String) -> String {
        let plain = s.allSatisfy { $0.isLetter || $0.isNumber || "._/-".contains($0) } && !s.isEmpty
        return plain ? s : "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
