require ["fileinto", "mailbox"];
if header :contains "subject" "[SPAM]" {
  fileinto :create "Junk";
  stop;
}
