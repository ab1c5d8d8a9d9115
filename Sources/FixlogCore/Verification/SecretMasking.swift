import Foundation

/// Masks the values of secret-looking environment variables (names containing `TOKEN`, `SECRET`,
/// `PASSWORD` or `KEY`, case-insensitive) in everything fixlog prints or stores.
public struct SecretMasker: Sendable, Hashable {
    /// What a secret value is replaced with.
    public static let mask = "***"
    /// Values shorter than this are not masked (masking `1` or `yes` would garble unrelated output).
    public static let minimumLength = 4
    static let markers = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL"]

    /// The secret values, longest first (so a value containing another is masked whole).
    public private(set) var secrets: [String]

    /// A masker for the secret-named variables of `environment`.
    public init(environment: [String: String]) {
        var values: Set<String> = []
        for (name, value) in environment where Self.isSecretName(name) && value.count >= Self.minimumLength {
            values.insert(value)
        }
        secrets = values.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// A masker for explicit secret values.
    public init(secrets: [String]) {
        self.secrets = Set(secrets.filter { $0.count >= Self.minimumLength })
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// Whether a variable name looks secret.
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return markers.contains { upper.contains($0) }
    }

    /// `text` with every secret value replaced by `***`.
    public func mask(_ text: String) -> String {
        guard !secrets.isEmpty, !text.isEmpty else { return text }
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: Self.mask)
        }
        return out
    }
}
