import ArgumentParser

@main
struct VaultCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vaultcli", abstract: "Manage sealed OAuth token vaults and their keyrings.")
}
