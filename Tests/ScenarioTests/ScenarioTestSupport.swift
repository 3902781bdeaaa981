import Scenario

/// A scenario with one app, `fixture`, and the given steps (indented as list items under `steps:`).
func scenario(steps: String, variables: String = "", file: String = "dir/s.yaml") throws -> Scenario {
    try Scenario(yaml: header(variables: variables) + steps, file: file)
}

/// The one step of a scenario whose steps are steps.
func step(_ steps: String) throws -> Step.Action {
    try scenario(steps: steps).steps[0].action
}

/// The error message reading yaml gives, or "no error".
func errorMessage(_ yaml: String, file: String = "s.yaml") -> String {
    do {
        _ = try Scenario(yaml: yaml, file: file)
        return "no error"
    } catch {
        return error.description
    }
}

/// The error message of a scenario with the fixture app and these steps (the header is 7 lines).
func stepError(_ steps: String) -> String {
    errorMessage(header() + steps)
}

func header(variables: String = "") -> String {
    """
    name: test
    \(variables.isEmpty ? "variables: {}" : variables)
    apps:
      - name: fixture
        command: [fixture-app]
        window: { title: fixture }
    steps:

    """
}
