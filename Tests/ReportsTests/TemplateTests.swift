import Testing
@testable import Reports

@Suite struct TemplateTests {
    /// Partials are found with their lines; other tags, triple mustaches and blanks are not partials.
    @Test func partialReferencesAndTheirLines() {
        let text = "a {{title}}\n{{> head }}\n\n{{{raw}}} {{#list}}\n{{>\titem}}{{/list}}\n{{!\n comment }}{{>foot}}{{> }}\u{00A0}{{\u{00A0}> wide}}"
        let found = ReportTemplates.partialReferences(text)
        #expect(found.map(\.name) == ["head", "item", "foot", "wide"])
        #expect(found.map(\.line) == [2, 5, 7, 7])
        #expect(ReportTemplates.partialReferences("{{> open").isEmpty)
        #expect(ReportTemplates.partialReferences("").isEmpty)
    }
}
