import Foundation
import Mustache

/// The templates fixlog needs, by their name in the library (their path below the templates folder,
/// without `.mustache`).
public enum RequiredTemplate: String, CaseIterable, Sendable {
    /// The whole log (`fixlog render`).
    case log = "fixlog.md"
    /// A new record (`fixlog new`).
    case record = "record.md"
    case recordPartial = "partials/record"
    case changePartial = "partials/change"
    case verificationPartial = "partials/verification"
    case itemPartial = "partials/item"

    /// The file's path relative to the templates folder.
    public var relativePath: String { rawValue + ".mustache" }
}

/// Why a templates folder could not be used: located diagnostics.
public struct TemplateError: Error, Sendable {
    public var diagnostics: [Diagnostic]
}

/// A loaded, validated templates folder.
public struct TemplateSet {
    /// The folder the templates were read from.
    public let directory: String
    let library: MustacheLibrary

    /// Loads every `*.mustache` file below `directory`. Fails with located diagnostics (`path:line:col`)
    /// when a required template is missing or any template does not parse; nothing has been written then.
    public static func load(directory: String) -> Result<TemplateSet, TemplateError> {
        var diagnostics: [Diagnostic] = []
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .failure(TemplateError(diagnostics: [Diagnostic.error(.templateMissing, "templates folder '\(directory)' does not exist", file: directory)]))
        }
        for required in RequiredTemplate.allCases {
            let path = (directory as NSString).appendingPathComponent(required.relativePath)
            if !FileManager.default.fileExists(atPath: path) {
                diagnostics.append(.error(.templateMissing, "required template '\(required.relativePath)' is missing from '\(directory)'",
                                          file: path, range: SourceRange(line: 1)))
            }
        }
        var templates: [String: MustacheTemplate] = [:]
        let files = (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".mustache") }.sorted()
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                diagnostics.append(.error(.templateInvalid, "cannot read template (not UTF-8 text?)", file: path, range: SourceRange(line: 1)))
                continue
            }
            do {
                templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
            } catch let error as MustacheTemplate.ParserError {
                let at = SourceLocation(line: error.context.lineNumber, column: error.context.columnNumber)
                diagnostics.append(.error(.templateInvalid, "template does not parse: \(error.error)",
                                          file: path, range: SourceRange(start: at, end: at)))
            } catch {
                diagnostics.append(.error(.templateInvalid, "template does not parse: \(error)", file: path, range: SourceRange(line: 1)))
            }
        }
        if !diagnostics.isEmpty { return .failure(TemplateError(diagnostics: diagnostics)) }
        return .success(TemplateSet(directory: directory, library: MustacheLibrary(templates: templates)))
    }

    /// Renders `context` with the named template.
    func render(_ context: Any, _ template: RequiredTemplate) -> String {
        library.render(context, withTemplate: template.rawValue) ?? ""
    }

    /// The default templates folder: `--templates` when given; else, next to the installed executable,
    /// `<prefix>/share/fixlog/Templates` (executable in `<prefix>/bin`); else the nearest `Templates/`
    /// beside a `Package.swift` above the executable (a development build in `.build/debug`).
    public static func defaultDirectory(executable: String) -> String? {
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        let installed = dir.deletingLastPathComponent().appendingPathComponent("share/fixlog/Templates")
        if FileManager.default.fileExists(atPath: installed.appendingPathComponent(RequiredTemplate.log.relativePath).path) {
            return installed.path
        }
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("Templates")
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: candidate.appendingPathComponent(RequiredTemplate.log.relativePath).path) {
                return candidate.path
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}
