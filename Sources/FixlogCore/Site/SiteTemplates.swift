import Foundation
import Mustache

/// The templates a site needs. A template set missing any of them is refused before anything is built.
public enum SiteTemplate: String, Sendable, CaseIterable {
    case layout, index, record, dockerfile, timeline
    case badges = "partials/badges"
    case recordRow = "partials/record-row"

    /// The file name below the templates directory.
    public var fileName: String { rawValue + ".mustache" }
}

/// The static files copied to `assets/`.
public enum SiteAsset: String, Sendable, CaseIterable {
    case style = "style.css"
    case script = "fixlog.js"
}

/// A loaded, parsed and complete template set plus the asset files.
public struct SiteTemplates: Sendable {
    public var library: MustacheLibrary
    /// Asset file name → bytes.
    public var assets: [String: [UInt8]]
    /// Where each template and asset came from (for error messages).
    public var origins: [String: String]
    /// The same templates compiled for the byte renderer (same output, several times faster); nil when a
    /// template uses a Mustache feature it does not support, and the site renders through ``library``.
    var compiled: SiteMustache?

    /// A template set from its parts; ``load(base:override:)`` is the usual way to get one.
    public init(library: MustacheLibrary, assets: [String: [UInt8]], origins: [String: String]) {
        self.library = library
        self.assets = assets
        self.origins = origins
        self.compiled = nil
    }

    /// The built-in templates: `$FIXLOG_TEMPLATES/site`, then `share/fixlog/templates/site` beside the
    /// executable's directory, then `Templates/site` in a directory above the executable, then in the
    /// source tree fixlog was built from.
    public static func defaultDirectory() -> String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["FIXLOG_TEMPLATES"], !env.isEmpty {
            candidates.append((env as NSString).appendingPathComponent("site"))
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(exe.deletingLastPathComponent().appendingPathComponent("share/fixlog/templates/site").path)
        var dir = exe
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("Templates/site").path)
            dir = dir.deletingLastPathComponent()
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(source.appendingPathComponent("Templates/site").path)
        return candidates.first { fm.fileExists(atPath: ($0 as NSString).appendingPathComponent(SiteTemplate.layout.fileName)) }
    }

    /// Loads the templates from `base` (the built-in set) with every file found in `override` taking
    /// precedence. Fails when a required template or asset is in neither, or a template does not parse.
    public static func load(base: String?, override: String? = nil) throws(SiteBuildError) -> SiteTemplates {
        let fm = FileManager.default
        if let override {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: override, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw SiteBuildError(step: .loadTemplates, path: override, message: "templates directory not found",
                                     id: .siteTemplateMissing)
            }
        }
        func locate(_ relative: String) -> String? {
            for dir in [override, base].compactMap({ $0 }) {
                let path = (dir as NSString).appendingPathComponent(relative)
                if fm.fileExists(atPath: path) { return path }
            }
            return nil
        }
        func read(_ path: String) throws(SiteBuildError) -> [UInt8] {
            guard let data = fm.contents(atPath: path) else {
                throw SiteBuildError(step: .loadTemplates, path: path, message: "cannot read", id: .siteTemplateMissing)
            }
            return [UInt8](data)
        }
        var library = MustacheLibrary()
        var sources: [String: String] = [:]
        var origins: [String: String] = [:]
        let searched = [override, base].compactMap { $0 }.joined(separator: ", ")
        for template in SiteTemplate.allCases {
            guard let path = locate(template.fileName) else {
                throw SiteBuildError(step: .loadTemplates, path: template.fileName,
                                     message: "required template not found (looked in: \(searched.isEmpty ? "no templates directory" : searched))",
                                     id: .siteTemplateMissing)
            }
            let bytes = try read(path)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SiteBuildError(step: .loadTemplates, path: path, message: "not valid UTF-8", id: .siteTemplateInvalid)
            }
            do {
                library.register(try MustacheTemplate(string: text), named: template.rawValue)
            } catch let error as MustacheTemplate.ParserError {
                throw SiteBuildError(step: .loadTemplates, path: "\(path):\(error.context.lineNumber):\(error.context.columnNumber)",
                                     message: "template does not parse: \(error.error)", id: .siteTemplateInvalid)
            } catch {
                throw SiteBuildError(step: .loadTemplates, path: path, message: "template does not parse: \(error)",
                                     id: .siteTemplateInvalid)
            }
            origins[template.rawValue] = path
            sources[template.rawValue] = text
        }
        var assets: [String: [UInt8]] = [:]
        for asset in SiteAsset.allCases {
            let relative = "assets/" + asset.rawValue
            guard let path = locate(relative) else {
                throw SiteBuildError(step: .loadTemplates, path: relative,
                                     message: "required asset not found (looked in: \(searched))", id: .siteTemplateMissing)
            }
            assets[asset.rawValue] = try read(path)
            origins[relative] = path
        }
        var templates = SiteTemplates(library: library, assets: assets, origins: origins)
        templates.compiled = SiteMustache(sources)
        return templates
    }
}

extension SiteTemplates {
    /// The template set without the compiled renderer: every page through swift-mustache (tests compare both).
    var reference: SiteTemplates {
        var copy = self
        copy.compiled = nil
        return copy
    }
}
