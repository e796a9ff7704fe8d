import Testing
@testable import LogInput

@Suite struct SpellingTests {
    let commands = ["report", "check", "init", "history", "formats", "sample-logs", "map", "reduce", "merge", "help"]

    @Test func theNearestNameWithinAnEditPerFourLetters() {
        #expect(Spelling.closest(to: "reprot", among: commands) == "report")   // two neighbours swapped
        #expect(Spelling.closest(to: "chek", among: commands) == "check")      // a letter dropped
        #expect(Spelling.closest(to: "Report", among: commands) == "report")   // case
        #expect(Spelling.closest(to: "histroy", among: commands) == "history")
        #expect(Spelling.closest(to: "hist", among: commands) == "history")    // the start of one name
        #expect(Spelling.closest(to: "stpes", among: ["name", "steps"]) == "steps")
        #expect(Spelling.closest(to: "frustrated_sesion_rate", among: ["frustrated_session_rate", "bounce_rate"])
                == "frustrated_session_rate")
    }

    @Test func nothingWhenFarOrAmbiguous() {
        #expect(Spelling.closest(to: "frobnicate", among: commands) == nil)
        #expect(Spelling.closest(to: "re", among: commands) == nil)           // report or reduce
        #expect(Spelling.closest(to: "xyz", among: commands) == nil)
        #expect(Spelling.closest(to: "", among: commands) == nil)
        #expect(Spelling.closest(to: String(repeating: "x", count: 1000), among: commands) == nil)
    }

    @Test func editDistanceCountsSwapsAsOne() {
        func d(_ a: String, _ b: String) -> Int { Spelling.editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars)) }
        #expect(d("report", "report") == 0)
        #expect(d("reprot", "report") == 1)
        #expect(d("kitten", "sitting") == 3)
        #expect(d("", "abc") == 3)
    }
}
