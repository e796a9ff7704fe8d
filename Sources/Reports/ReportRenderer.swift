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

    /// `NAME.mustache` for every required name, from `folder`.
    public static func load(folder: String) throws(TemplateError) -> ReportTemplates {
        var sources: [(String, String, String)] = []
        for name in required {
            let path = (folder.hasSuffix("/") ? folder : folder + "/") + name + ".mustache"
            do {
                sources.append((name, try readTextFile(path), path))
            } catch {
                throw TemplateError(description: "\(error.description) (--templates \(folder) must hold \(required.map { $0 + ".mustache" }.joined(separator: " and ")))")
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
        self.library = library
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

// Rows that grow with the history (a year of days, its cohorts) are looked up by name here
// rather than through `Mirror`, which costs more than the rest of a nightly run.

extension DayRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "date": return date
        case "sessions": return sessions
        case "visitors": return visitors
        case "pageViews": return pageViews
        case "bounceRate": return bounceRate
        case "conversion": return conversion
        case "abandonment": return abandonment
        case "p95": return p95
        default: return nil
        }
    }
}

extension CohortRow: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "visitors": return visitors
        case "cells": return cells
        default: return nil
        }
    }
}
