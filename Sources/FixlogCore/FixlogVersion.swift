public enum FixlogVersion {
    public static let current = "0.1.0"
}
