//! Functions only for rare cases (a startup file that changed the stage, a
//! stage not in force) are marked by ` # lazy` at the end of their first
//! line in shells/. A shell reads every byte acct hands it before the first
//! prompt, so `acct shell` hands these over as text that is only read as
//! code at their first call, with a stub of the same name in their place.
//! No file: a shell that outlives its runtime directory still finds them.
//! `acct init SHELL` prints the functions as they are.

/// The end of the first line of a function that is only for rare cases.
const MARK: &str = " # lazy";

/// bash: each marked function (`NAME() { # lazy` to the next `}` at the
/// start of a line) is taken out of `code`; the result is `code` without
/// them, and the text of all of them (both without the spaces that begin
/// their lines, which bash reads at every start too; no line of the
/// scripts continues a quoted string), which `__ACCT_BASH_LAZY` carries:
/// bash takes a variable from its environment without reading it as code
/// (it reads code at about 400 instructions a byte, and a stub in each
/// one's place would cost as much as a short function). The script calls
/// them only through `__acct_lazy NAME`, which defines them all at the
/// first such call.
pub fn bash(code: &str) -> (String, String) {
    let mut out = String::with_capacity(code.len());
    let mut lazy = String::new();
    let mut lines = code.lines();
    while let Some(line) = lines.next() {
        let name = line
            .strip_suffix(MARK)
            .and_then(|head| head.strip_suffix("() {"));
        if name.is_none() {
            out.push_str(line.trim_start());
            out.push('\n');
            continue;
        }
        lazy.push_str(&line[..line.len() - MARK.len()]);
        lazy.push('\n');
        for body in lines.by_ref() {
            lazy.push_str(body.trim_start());
            lazy.push('\n');
            if body == "}" {
                break;
            }
        }
    }
    (out, lazy)
}

/// fish: as for bash, but each function is a quoted string in the code
/// (fish's `--init-command` is the only place acct's code goes), and its
/// stub defines only it: fish takes an environment variable in at about 30
/// instructions a byte, and one that must not reach children costs as much
/// again to unexport, while it parses code at about 450 instructions a
/// byte and a quoted string at under 80. The functions for prompts are
/// lazy too: a fish that reads a script draws none. Every line loses its
/// indentation, which fish does not need (a tenth of the bytes; no line of
/// shells/acct.fish continues a quoted string).
pub fn fish(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut lines = code.lines();
    while let Some(line) = lines.next() {
        let name = line
            .strip_suffix(MARK)
            .and_then(|head| head.strip_prefix("function "))
            .and_then(|rest| rest.split_whitespace().next());
        let Some(name) = name else {
            out.push_str(line.trim_start());
            out.push('\n');
            continue;
        };
        let mut function = format!("{}\n", &line[..line.len() - MARK.len()]);
        for body in lines.by_ref() {
            function.push_str(body.trim_start());
            function.push('\n');
            if body == "end" {
                break;
            }
        }
        // In single quotes fish reads only `\\` and `\'` as escapes.
        let quoted = function.replace('\\', "\\\\").replace('\'', "\\'");
        out.push_str(&format!(
            "function {name}\nbuiltin echo '{quoted}' | builtin source\n{name} $argv\nend\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::scripts::Shell;

    #[test]
    fn fish_gets_rare_functions_as_strings_defined_at_their_first_call() {
        let script = Shell::Fish.script();
        let code = fish(&Shell::Fish.startup_script());
        for name in [
            "__acct_guard",
            "__acct_in_force",
            "__acct_in_force_holds",
            "__acct_segment_red_time",
        ] {
            assert!(
                script.contains(&format!("function {name} ")),
                "{name} is in the script"
            );
            assert!(
                code.contains(&format!("function {name}\nbuiltin echo 'function {name} ")),
                "{name} is a stub"
            );
        }
        assert!(!code.contains(MARK));
        assert!(!code.lines().any(|line| line.starts_with(' ')));
        // What every prompt of a stage shell runs is code from the start:
        // read from a string at the first prompt, it would cost more.
        for eager in ["fish_prompt", "__acct_segment", "__acct_left"] {
            assert!(
                code.contains(&format!("\nfunction {eager} --description")),
                "{eager} is not lazy"
            );
        }
        let quoted = fish("function f --description 'it\\'s' # lazy\n    echo a\\\\b\nend\n  g\n");
        let want = r#"function f
builtin echo 'function f --description \'it\\\'s\'
echo a\\\\b
end
' | builtin source
f $argv
end
g
"#;
        assert_eq!(quoted, want);
    }

    /// How often `word` stands in `text` as a whole word.
    fn mentions(text: &str, word: &str) -> usize {
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        text.match_indices(word)
            .filter(|(at, _)| {
                let before = text[..*at].chars().next_back();
                let after = text[at + word.len()..].chars().next();
                !before.is_some_and(ident) && !after.is_some_and(ident)
            })
            .count()
    }

    #[test]
    fn bash_gets_rare_functions_as_text_called_only_through_acct_lazy() {
        let (code, lazy) = bash(&Shell::Bash.startup_script());
        let names: Vec<&str> = lazy
            .lines()
            .filter_map(|line| line.strip_suffix("() {"))
            .collect();
        assert!(names.contains(&"__acct_guard") && names.contains(&"__acct_in_force_holds"));
        for name in &names {
            assert!(
                !code.contains(&format!("{name}() {{")),
                "{name} is not in the code"
            );
            // Every other mention of it in the code goes through __acct_lazy,
            // which defines it first: else bash would run the user's
            // command_not_found_handle.
            let called = mentions(&code, name);
            let through = mentions(&code, &format!("__acct_lazy {name}"));
            assert!(
                called == through,
                "{name}: {called} mentions, {through} through __acct_lazy"
            );
        }
        assert!(!code.contains(MARK) && !lazy.contains(MARK));
        assert!(
            code.contains("__acct_prompt_hook() {\n"),
            "the hook is not lazy"
        );
        let (code, lazy) = bash("a() { # lazy\n    x\n}\nb\n");
        assert_eq!(lazy, "a() {\nx\n}\n");
        assert_eq!(code, "b\n");
    }
}
