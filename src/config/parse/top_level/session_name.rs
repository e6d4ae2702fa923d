//! `role_session_name = "{user}"`: known placeholders, and between them
//! only characters STS allows in a session name. `""` is allowed and means
//! no name is rendered (README, "Who did it").

use super::Written;
use crate::config::parse::Walker;
use crate::config::session_name::{self, PLACEHOLDERS};
use crate::config::{FormatPiece, format_pieces};
use crate::text::suggest;

impl Walker {
    pub(super) fn role_session_name(&mut self, w: &Written) {
        for piece in format_pieces(&w.value) {
            match piece {
                FormatPiece::Token(token) if !PLACEHOLDERS.contains(&token) => {
                    let fix = match suggest::closest(token, PLACEHOLDERS) {
                        Some(close) => format!("did you mean {{{close}}}?"),
                        None => "the placeholders are {user} {stage} {host} {namespace}".into(),
                    };
                    self.error(
                        w.span.clone(),
                        format!("unknown placeholder {{{token}}} in `role_session_name`"),
                        fix,
                    );
                }
                FormatPiece::Text(text) => {
                    if let Some(c) = text.chars().find(|c| !session_name::is_sts_char(*c)) {
                        self.error(
                            w.span.clone(),
                            format!(
                                "`role_session_name` {:?} holds {c:?}, which STS does not allow in a session name",
                                w.value
                            ),
                            "use letters, digits and _+=,.@- around the placeholders, e.g. \"{user}@{host}\"",
                        );
                    }
                }
                FormatPiece::Token(_) => {}
            }
        }
    }
}

/// The format the config keeps: the default when not written, `None` for `""`.
pub(super) fn configured(written: Option<String>) -> Option<String> {
    match written {
        None => Some(session_name::DEFAULT.to_string()),
        Some(format) if format.is_empty() => None,
        Some(format) => Some(format),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn parse(line: &str) -> Result<crate::config::Config, Vec<crate::config::Diagnostic>> {
        crate::config::parse::parse(
            Path::new("/c.toml"),
            &format!(
                "namespace = \"cpco\"\nregion = \"us-west-2\"\ntopology = \"single\"\n{line}[stages.root]\naccount_id = \"111111111111\"\n"
            ),
            None,
        )
    }

    fn rendered(line: &str) -> String {
        let errors = parse(line).unwrap_err();
        assert_eq!(errors.len(), 1, "{line}");
        errors[0].render(Path::new("/c.toml"), "")
    }

    #[test]
    fn the_default_is_the_user_and_empty_renders_none() {
        assert_eq!(
            parse("").unwrap().role_session_name.as_deref(),
            Some("{user}")
        );
        assert_eq!(
            parse("role_session_name = \"\"\n")
                .unwrap()
                .role_session_name,
            None
        );
        assert_eq!(
            parse("role_session_name = \"{user}@{host}\"\n")
                .unwrap()
                .role_session_name
                .as_deref(),
            Some("{user}@{host}")
        );
    }

    #[test]
    fn unknown_placeholders_and_characters_sts_refuses_are_errors() {
        let typo = rendered("role_session_name = \"{usr}\"\n");
        assert!(typo.contains("unknown placeholder {usr}"), "{typo}");
        assert!(typo.contains("did you mean {user}?"), "{typo}");
        let stranger = rendered("role_session_name = \"{login}\"\n");
        assert!(
            stranger.contains("{user} {stage} {host} {namespace}"),
            "{stranger}"
        );
        let space = rendered("role_session_name = \"{user} at {host}\"\n");
        assert!(space.contains("which STS does not allow"), "{space}");
        let brace = rendered("role_session_name = \"{user\"\n");
        assert!(brace.contains("'{'"), "{brace}");
        assert!(parse("role_session_name = 3\n").is_err());
    }
}
