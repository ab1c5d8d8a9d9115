// MARK: - Site

extension DiagnosticID {
    static let siteCatalog: [Entry] = []
}
