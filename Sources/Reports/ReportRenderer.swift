import LogInput

import Foundation
import Mustache

/// Why the templates cannot render a report; no report is written.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// The report templates: `index.html` and `report.md` (Mustache), embedded in the binary at
/// build time from `report-templates/`, or read from a folder given with `--templates`.
public struct ReportTemplates: Sendable {
    /// Each template the report needs; a folder given with `--templates` must have them all.
    public static let required = ["index.html", "report.md"]

    private let library: MustacheLibrary

    /// The templates built into this binary.
    public static func embedded() throws(TemplateError) -> ReportTemplates {
        try ReportTemplates(sources: EmbeddedTemplates.files.map { ($0.name, $0.text, "embedded template \($0.name).mustache") })
    }

    /// The templates of `folder`: `index.html.mustache` and `report.md.mustache` must be there;
    /// any other `NAME.mustache` replaces the built-in partial `{{> NAME}}`, and the partials
    /// it does not have come from the built-in ones.
    public static func load(folder: String) throws(TemplateError) -> ReportTemplates {
        var sources = EmbeddedTemplates.files.map { (name: $0.name, text: $0.text, origin: "embedded template \($0.name).mustache") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".mustache") }.sorted()
        } catch {
            throw TemplateError(description: "\(folder): cannot read the templates folder (--templates)")
        }
        for name in required where !names.contains(name + ".mustache") {
            throw TemplateError(description: "\(folder)/\(name).mustache: no such template (--templates \(folder) must hold \(required.map { $0 + ".mustache" }.joined(separator: " and ")))")
        }
        for file in names {
            let path = (folder.hasSuffix("/") ? folder : folder + "/") + file
            let name = String(file.dropLast(".mustache".count))
            do {
                let text = try readTextFile(path)
                sources.removeAll { $0.name == name }
                sources.append((name, text, path))
            } catch {
                throw TemplateError(description: "\(error.description) (--templates)")
            }
        }
        return try ReportTemplates(sources: sources)
    }

    private init(sources: [(name: String, text: String, origin: String)]) throws(TemplateError) {
        MustacheContentTypes.register(MarkdownCells(), named: "MARKDOWN")
        var library = MustacheLibrary()
        for source in sources {
            do {
                try library.register(source.text, named: source.name)
            } catch let error as MustacheTemplate.ParserError {
                throw TemplateError(description: "\(source.origin):\(error.context.lineNumber):\(error.context.columnNumber): the template does not parse (\(error.error))")
            } catch {
                throw TemplateError(description: "\(source.origin): the template does not parse (\(error))")
            }
        }
        for name in Self.required where library.getTemplate(named: name) == nil {
            throw TemplateError(description: "no \(name) template")
        }
        try Self.checkPartials(sources)
        self.library = library
    }

    /// Every `{{> NAME}}` must name a template, and no partial may include itself, directly or
    /// through others: the report's data is not nested, so such a loop would never end (the
    /// Mustache library would recurse until the stack ran out).
    static func checkPartials(_ sources: [(name: String, text: String, origin: String)]) throws(TemplateError) {
        var includes: [String: [String]] = [:]
        for source in sources {
            for (partial, line) in partialReferences(source.text) {
                guard sources.contains(where: { $0.name == partial }) else {
                    throw TemplateError(description: "\(source.origin):\(line): {{> \(partial)}} names no template (no \(partial).mustache here or built in)")
                }
                includes[source.name, default: []].append(partial)
            }
        }
        // Depth-first from each template; a name met again on the current path closes a loop.
        var finished: Set<String> = []
        func visit(_ name: String, path: [String]) throws(TemplateError) {
            if let start = path.firstIndex(of: name) {
                let loop = (path[start...] + [name]).joined(separator: " → ")
                throw TemplateError(description: "the templates include each other in a loop: \(loop); a partial may not include itself")
            }
            guard !finished.contains(name) else { return }
            for partial in includes[name] ?? [] { try visit(partial, path: path + [name]) }
            finished.insert(name)
        }
        for source in sources { try visit(source.name, path: []) }
    }

    /// The names of the partials a template includes (`{{> NAME}}`), with their line numbers.
    static func partialReferences(_ text: String) -> [(name: String, line: Int)] {
        var found: [(String, Int)] = []
        var line = 1
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            line += rest[..<open.lowerBound].reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            let tag = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix(">") {
                let name = tag.dropFirst().trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { found.append((name, line)) }
            }
            line += rest[..<close.lowerBound].reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// Renders one of the required templates.
    public func render(_ view: ReportView, template name: String) throws(TemplateError) -> String {
        guard let text = library.render(view, withTemplate: name), !text.isEmpty else {
            throw TemplateError(description: "the \(name) template rendered nothing")
        }
        return text
    }
}

/// `{{% CONTENT_TYPE: MARKDOWN}}`: values escaped for Markdown table cells.
struct MarkdownCells: MustacheContentType {
    func escapeText(_ text: String) -> String { Escape.markdownCell(text) }
}
