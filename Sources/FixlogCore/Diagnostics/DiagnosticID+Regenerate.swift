// MARK: - Regenerate

extension DiagnosticID {
    static let regenerateCatalog: [Entry] = []
}
