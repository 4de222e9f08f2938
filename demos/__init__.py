"""Runnable demos of chainrule, one per idea in the lecture notes: ``python -m demos.NAME``.

In the order of the notes (``../shared/seeds/``):

* ``graph``: the computation graph J = 3(a + b·c), forward and backward (002_*);
* ``nudge``: derivatives of a², a³ and ln a by nudging, against backward() (002_*);
* ``neuron``: a single neuron is a logistic regression; one gradient step (000_*, 003_*);
* ``two_layer``: the two-layer chain and its four derivatives by the chain rule (000_*);
* ``activations``: softmax, the slopes of sigmoid, tanh, ReLU, leaky ReLU, and why
  a network needs a non-linearity (001_*, 002_*);
* ``moons``: micrograd's two-moons classifier, with its decision boundary as a PNG;
* ``digits``: an MLP trained with softmax cross-entropy on handwritten digits;
* ``tour``: all of the above in order, ending with the digits (start here).

Each module has ``main(argv=None)`` and functions that return the numbers it prints.
"""
