import Testing
@testable import LogInput

@Suite struct InputResolverTests {
    @Test(arguments: [
        ("access.log", true), ("access.log.1", true), ("access.log.12.gz", true), ("shop.log", true),
        ("shop.log.3", true), ("old.gz", true), ("error.log", false), ("access.log.error", false),
        ("notes.txt", false), ("shop.log.x", false), (".access.log.swp", false),
    ])
    func folderMembersAreAccessLogs(name: String, expected: Bool) {
        #expect(InputResolver.isLogName(name) == expected)
    }

    @Test(arguments: [("access.log", 0), ("access.log.1", 1), ("logs/access.log.12.gz", 12), ("x.gz", 0), ("a.log.b", 0)])
    func rotationNumbers(name: String, expected: Int) {
        #expect(LogInputFile(name: name, location: .path(name)).rotationNumber == expected)
    }

    @Test func aFolderExpandsToItsLogsAsFolderSlashName() throws {
        let folder = ScratchFolder()
        folder.write("access.log", [])
        folder.write("access.log.1", [])
        folder.write("error.log", [])
        folder.write("README", [])
        let inputs = try InputResolver.resolve([folder.path])
        #expect(inputs.map(\.name) == [folder.path + "/access.log", folder.path + "/access.log.1"])
    }

    @Test func missingAndEmptyInputsAreErrors() throws {
        let folder = ScratchFolder()
        #expect(throws: InputError.notFound(path: folder.path + "/nope")) {
            try InputResolver.resolve([folder.path + "/nope"])
        }
        #expect(throws: InputError.emptyFolder(path: folder.path)) { try InputResolver.resolve([folder.path]) }
        #expect(try InputResolver.resolve(["-"]) == [LogInputFile(name: "-", location: .standardInput)])
    }

    @Test func anUnreadableFileIsAnErrorThatNamesIt() throws {
        let folder = ScratchFolder()
        // Tests run as root, which reads any file; a folder opened as a file fails to read alike.
        #expect(throws: InputError.unreadable(path: folder.path, reason: "Is a directory")) {
            _ = try LogReader(LogInputFile(name: folder.path, location: .path(folder.path)))
        }
        #expect(throws: InputError.notFound(path: folder.path + "/missing.log")) {
            _ = try readAll(folder.path + "/missing.log")
        }
    }
}
