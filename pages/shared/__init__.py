"""The page layer's shared pieces: everything pages/*.py use besides dashboard/."""
