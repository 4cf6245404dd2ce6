"""``import kerasdoctor.auto`` as the first line of a training script turns the doctor on.

It chains the diagnosing exception hook and arranges for the training doctor to
join ``Model.fit`` once the script imports Keras; it never imports TensorFlow
itself. ``KERASDOCTOR=0`` in the environment turns it off.
"""

from kerasdoctor.runtime import install as _install

_install()
