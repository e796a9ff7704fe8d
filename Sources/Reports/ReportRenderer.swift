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
    /// The tags are found in the UTF-8 bytes (`range(of:)` on the text took most of loading the
    /// templates).
    static func partialReferences(_ text: String) -> [(name: String, line: Int)] {
        let bytes = Array(text.utf8)
        let brace: UInt8 = 0x7B, closing: UInt8 = 0x7D, newline: UInt8 = 0x0A, greater: UInt8 = 0x3E
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lower = range.lowerBound, upper = range.upperBound
            while lower < upper, isBlank(bytes[lower]) { lower += 1 }
            while upper > lower, isBlank(bytes[upper - 1]) { upper -= 1 }
            return lower..<upper
        }
        /// The first index of two `byte`s in a row at or after `from`.
        func pair(_ byte: UInt8, from: Int) -> Int? {
            var index = from
            while index + 1 < bytes.count {
                if bytes[index] == byte, bytes[index + 1] == byte { return index }
                index += 1
            }
            return nil
        }
        var found: [(String, Int)] = []
        var line = 1
        var position = 0
        while let open = pair(brace, from: position) {
            line += bytes[position..<open].reduce(0) { $1 == newline ? $0 + 1 : $0 }
            guard let close = pair(closing, from: open + 2) else { break }
            // Only a tag whose first byte after spaces and tabs is `>` (or not ASCII, which may be
            // another kind of space) can name a partial; it is trimmed as text.
            let tag = trimmed((open + 2)..<close)
            if !tag.isEmpty, bytes[tag.lowerBound] == greater || bytes[tag.lowerBound] >= 0x80 {
                let text = String(decoding: bytes[tag], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                if text.hasPrefix(">") {
                    let name = text.dropFirst().trimmingCharacters(in: .whitespaces)
                    if !name.isEmpty { found.append((name, line)) }
                }
            }
            line += bytes[(open + 2)..<close].reduce(0) { $1 == newline ? $0 + 1 : $0 }
            position = close + 2
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
