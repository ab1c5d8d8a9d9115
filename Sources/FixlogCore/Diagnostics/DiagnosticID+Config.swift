// MARK: - Configuration and CI

extension DiagnosticID {
    static let configCatalog: [Entry] = []
}
