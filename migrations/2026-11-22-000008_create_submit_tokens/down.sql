DROP TABLE submit_tokens;
