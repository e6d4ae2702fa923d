//! `acct console STAGE`: open (or `--print`) the AWS console in the stage's
//! account, role and region.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::ConsoleArgs;
use crate::config::discover;
use crate::console::{self, Federation, Way, browser, federation, url};
use crate::error::{Failure, Result};
use crate::stage::entry;
use crate::terminal::confirm;

pub fn run(args: &ConsoleArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let stage = crate::terminal::picker::stage(&config, args.stage.as_deref(), "console")?;
    confirm::protected(&stage, args.yes)?;
    let admitted = entry::admit(&config, &stage).map_err(|mut failure| {
        failure.message = failure
            .message
            .replace("so nothing was run", "so no console was opened");
        failure
    })?;
    let link = match console::way(&config, &stage, args.federate) {
        Way::SwitchRole(link) | Way::Portal(link) => link,
        Way::Federation(why) => {
            if let Federation::SharedRole { owner } = &why {
                eprintln!(
                    "acct: `{}` has the role of `{owner}` ({}), and a switch-role link knows only the account and role, so it would open {owner}'s console; signing in with {}'s own credentials instead (federation)",
                    stage.name, stage.role_arn, stage.name
                );
            }
            // A bad endpoint is said before anyone is asked for an MFA code.
            let endpoint = federation::endpoint(url::hosts(&config.partition))?;
            let credentials = admitted.credentials().map_err(nothing_opened)?;
            let token = federation::signin_token(&endpoint, &credentials)?;
            url::login(&endpoint, &console::destination(&config, &stage), &token)
        }
    };
    if args.print {
        return super::print(&format!("{link}\n"));
    }
    browser::open(&link, &format!("the console of `{}`", stage.name))?;
    Ok(ExitCode::SUCCESS)
}

/// A failure to get the stage's credentials, said for the console.
fn nothing_opened(mut failure: Failure) -> Failure {
    failure.message = match failure.message.strip_suffix("; nothing was run") {
        Some(message) => format!("{message}; no console was opened"),
        None => format!("{}; no console was opened", failure.message),
    };
    failure
}
