// MARK: - Site

extension DiagnosticID {
    public static let siteTemplateMissing = DiagnosticID(rawValue: "site-template-missing")
    public static let siteTemplateInvalid = DiagnosticID(rawValue: "site-template-invalid")
    public static let siteBuildFailed = DiagnosticID(rawValue: "site-build-failed")

    static let siteCatalog: [Entry] = [
        Entry(.siteTemplateMissing, stage: "site", .error, "A template or asset the site needs (see docs/site.md) is in neither `--templates DIR` nor the built-in templates; nothing is built."),
        Entry(.siteTemplateInvalid, stage: "site", .error, "A Mustache template does not parse (unclosed section, bad tag); reported with its line before anything is built."),
        Entry(.siteBuildFailed, stage: "site", .error, "A build step failed (rendering a page, writing or moving the site into place); the previous site is left untouched."),
    ]
}
