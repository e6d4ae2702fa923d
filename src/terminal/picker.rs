//! Choosing a stage when `acct shell`, `acct exec` or `acct console` is
//! given none: on the terminal (`/dev/tty`, as the protected-stage question
//! asks), a numbered list of the config's stages, answered by number, name
//! or an unambiguous prefix; without a terminal, a usage error that lists
//! them. The matching is `choose`, pure; the rest is the terminal.

use std::io::{BufRead, BufReader, Write};

use crate::config::{Config, Stage};
use crate::error::{Failure, Result};
use crate::terminal;
use crate::text::printable::printable;
use crate::text::suggest;

/// How many answers the person may give before acct gives up.
const TRIES: usize = 3;

/// What an answer picks among `names` (in the list's order).
#[derive(Debug, PartialEq, Eq)]
pub enum Choice {
    /// The index of the stage.
    Stage(usize),
    /// Nothing typed: the person changed their mind.
    Nothing,
    /// Why the answer picks no stage, said before asking again.
    Again(String),
}

/// An answer: a number from the list, a stage's name, or the start of
/// exactly one stage's name.
pub fn choose(answer: &str, names: &[&str]) -> Choice {
    let answer = answer.trim();
    if answer.is_empty() {
        return Choice::Nothing;
    }
    if let Ok(number) = answer.parse::<usize>() {
        return match number.checked_sub(1).filter(|i| *i < names.len()) {
            Some(index) => Choice::Stage(index),
            None => Choice::Again(format!("no stage numbered {number}: 1 to {}", names.len())),
        };
    }
    if let Some(index) = names.iter().position(|n| *n == answer) {
        return Choice::Stage(index);
    }
    let starting: Vec<usize> = (0..names.len())
        .filter(|i| names[*i].starts_with(answer))
        .collect();
    match starting.as_slice() {
        [one] => Choice::Stage(*one),
        [] => Choice::Again(match suggest::closest(answer, names.iter().copied()) {
            Some(close) => format!(
                "no stage `{}`; did you mean `{close}`?",
                printable(answer, false)
            ),
            None => format!("no stage `{}`", printable(answer, false)),
        }),
        many => Choice::Again(format!(
            "`{}` starts {}: type more of the name",
            printable(answer, false),
            many.iter()
                .map(|i| names[*i])
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The stage named, else the one the person picks on the terminal.
pub fn stage<'c>(config: &'c Config, named: Option<&str>, command: &str) -> Result<Stage<'c>> {
    if let Some(name) = named {
        return find(config, name);
    }
    let mut stages: Vec<Stage<'c>> = config.stages().collect();
    let names: Vec<&'c str> = stages.iter().map(|s| s.name).collect();
    let Ok(tty) = terminal::open() else {
        return Err(Failure::usage(
            format!("`acct {command}` needs a stage, and there is no terminal to choose one on"),
            format!(
                "name one of {}, e.g. `acct {command} {}`",
                names.join(", "),
                names.first().copied().unwrap_or("STAGE")
            ),
        ));
    };
    let mut out = &tty;
    let _ = write!(out, "{}", list(&stages, command));
    let mut lines = BufReader::new(&tty);
    for _ in 0..TRIES {
        let _ = write!(out, "Number or name (a prefix will do): ");
        let _ = out.flush();
        let mut answer = String::new();
        if !matches!(lines.read_line(&mut answer), Ok(n) if n > 0) {
            break;
        }
        match choose(&answer, &names) {
            Choice::Stage(index) => return Ok(stages.swap_remove(index)),
            Choice::Nothing => break,
            Choice::Again(why) => {
                let _ = writeln!(out, "acct: {why}");
            }
        }
    }
    Err(Failure::usage(
        "no stage chosen; nothing was run",
        format!("name the stage, e.g. `acct {command} {}`", names[0]),
    ))
}

/// The stage named `name`, or a usage error with the closest name.
pub fn find<'c>(config: &'c Config, name: &str) -> Result<Stage<'c>> {
    config.stage(name).ok_or_else(|| {
        let names = config.stages.iter().map(|s| s.name.as_str());
        let hint = match suggest::closest(name, names.clone()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("the stages are: {}", names.collect::<Vec<_>>().join(", ")),
        };
        Failure::usage(
            format!("unknown stage `{name}` in {}", config.path.display()),
            hint,
        )
    })
}

/// The numbered list: name, account, role, and the protected mark.
fn list(stages: &[Stage<'_>], command: &str) -> String {
    let width = stages.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let mut text = format!("acct {command}: which stage?\n");
    for (i, stage) in stages.iter().enumerate() {
        text.push_str(&format!(
            "{:>3}  {:<width$}  {}  {}{}\n",
            i + 1,
            stage.name,
            stage.account_id,
            stage.role_arn,
            if stage.protected { "  protected" } else { "" },
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 4] = ["root", "testing", "test2", "prod"];

    #[test]
    fn a_number_a_name_or_one_prefix_picks_a_stage() {
        assert_eq!(choose("2\n", &NAMES), Choice::Stage(1));
        assert_eq!(choose(" prod ", &NAMES), Choice::Stage(3));
        assert_eq!(choose("r", &NAMES), Choice::Stage(0));
        assert_eq!(choose("testi", &NAMES), Choice::Stage(1));
        assert_eq!(choose("\n", &NAMES), Choice::Nothing);
    }

    #[test]
    fn anything_else_says_why_and_asks_again() {
        let again = |answer: &str| match choose(answer, &NAMES) {
            Choice::Again(why) => why,
            other => panic!("{answer:?}: {other:?}"),
        };
        assert_eq!(again("0"), "no stage numbered 0: 1 to 4");
        assert_eq!(again("5"), "no stage numbered 5: 1 to 4");
        assert_eq!(
            again("te"),
            "`te` starts testing, test2: type more of the name"
        );
        assert_eq!(again("prdo"), "no stage `prdo`; did you mean `prod`?");
    }
}
